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
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;

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
     * The whole API-key contract of one service under {@link ApiKeysProfile}, on the server at
     * {@code base} (its HTTP root): the scope list names exactly the descriptor's RPCs, every RPC
     * answers as {@link #violations} requires, and gRPC health and {@code /q/health/live} stay open
     * without a key.
     */
    public static void assertEnforced(URL base, ServiceDescriptor service, MethodScopes scopes) throws Exception {
        List<String> described = service.getMethods().stream()
                .map(MethodDescriptor::getFullMethodName)
                .sorted()
                .toList();
        Assertions.assertEquals(described, scopes.methods().stream().sorted().toList(), "scope list vs descriptor");
        String target = base.getHost() + ":" + base.getPort();
        Assertions.assertEquals(List.of(), violations(target, service, scopes));
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            Assertions.assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        HttpResponse<String> live = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.toURI().resolve("/q/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Assertions.assertEquals(200, live.statusCode(), "/q/health/live without a key");
    }

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
