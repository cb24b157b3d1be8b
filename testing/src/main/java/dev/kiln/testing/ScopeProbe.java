package dev.kiln.testing;

import dev.kiln.proto.auth.MethodScopes;
import dev.kiln.proto.auth.Scope;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls any RPC of a service with an empty request (the default instance of its request type) and
 * an optional API key, and reports the status it ends with. Tests iterate a service descriptor's
 * methods with it, so an RPC added later is covered without anyone remembering to.
 *
 * <p>A call that streams a message back, or is still running after a few seconds, passed
 * authentication: it is cancelled and reported as OK.
 */
public final class ScopeProbe {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private ScopeProbe() {}

    /**
     * Every way {@code service}'s RPCs break the scope contract under {@link ApiKeysProfile}'s keys:
     * each RPC (from the descriptor, not from {@code scopes}) must answer UNAUTHENTICATED without a
     * key, PERMISSION_DENIED with the key of the other scope, and neither with its own scope's key
     * or a key holding both. Empty when all hold. Each call gets its own connection to
     * {@code target} (host:port), so one call's early refusal cannot disturb the next.
     */
    public static List<String> violations(String target, ServiceDescriptor service, MethodScopes scopes)
            throws Exception {
        List<String> violations = new ArrayList<>();
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            String name = m.getFullMethodName();
            Scope scope = scopes.of(name).orElse(null);
            if (scope == null) {
                violations.add(name + " has no scope");
                continue;
            }
            String own = scope == Scope.ADMIN ? ApiKeysProfile.ADMIN : ApiKeysProfile.GENERATE;
            String other = scope == Scope.ADMIN ? ApiKeysProfile.GENERATE : ApiKeysProfile.ADMIN;
            expect(violations, name + " without a key", call(target, m, null), Status.Code.UNAUTHENTICATED);
            expect(
                    violations,
                    name + " with an unknown key",
                    call(target, m, "unknown-key-0123456789"),
                    Status.Code.UNAUTHENTICATED);
            expect(violations, name + " with the wrong scope", call(target, m, other), Status.Code.PERMISSION_DENIED);
            for (String key : List.of(own, ApiKeysProfile.BOTH)) {
                Status s = call(target, m, key);
                if (s.getCode() == Status.Code.UNAUTHENTICATED || s.getCode() == Status.Code.PERMISSION_DENIED) {
                    violations.add(name + " with scope " + scope.label() + ": " + s);
                }
            }
        }
        return violations;
    }

    private static void expect(List<String> violations, String what, Status status, Status.Code code) {
        if (status.getCode() != code) {
            violations.add(what + ": expected " + code + ", got " + status);
        }
    }

    /** {@link #call(Channel, MethodDescriptor, String)} on a connection of its own. */
    public static Status call(String target, MethodDescriptor<?, ?> method, String key) throws Exception {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            return call(channel, method, key);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The status {@code method} answers an empty request with, sent with {@code key} (null: no key). */
    public static <Q, R> Status call(Channel channel, MethodDescriptor<Q, R> method, String key) throws Exception {
        @SuppressWarnings("unchecked")
        Q empty = ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller()).getMessagePrototype();
        ClientCall<Q, R> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        CompletableFuture<Status> done = new CompletableFuture<>();
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(AUTHORIZATION, "Bearer " + key);
        }
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(R message) {
                        done.complete(Status.OK);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        done.complete(status);
                    }
                },
                headers);
        call.request(1);
        call.sendMessage(empty);
        call.halfClose();
        try {
            return done.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException running) {
            return Status.OK;
        } finally {
            call.cancel("probe done", null);
        }
    }
}
