package dev.kiln.proto.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the {@code authorization: Bearer <key>} metadata of every call against the scope its
 * method needs ({@link MethodScopes}): no key or an unknown one → UNAUTHENTICATED, a key without
 * the scope → PERMISSION_DENIED, both with a message saying what to send. A method with no scope
 * listed is refused (fail closed: a new RPC is not open until someone decides its scope). Health
 * and reflection stay open, so probes and grpcurl's discovery work without a key.
 *
 * <p>The authenticated caller is in {@link #CALLER} for the rest of the call (the gateway rate-limits
 * by its id). With authentication off ({@link #disabled()}) every call passes as
 * {@link ApiKey#ANONYMOUS}.
 */
public final class ApiKeyInterceptor implements ServerInterceptor {
    private static final System.Logger LOG = System.getLogger(ApiKeyInterceptor.class.getName());

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** The caller of the current call. */
    public static final Context.Key<ApiKey> CALLER = Context.keyWithDefault("kiln-api-key", ApiKey.ANONYMOUS);

    /** Services every caller may use: probes (gRPC health) and API discovery (reflection). */
    static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    private final ApiKeys keys; // null: authentication is off
    private final MethodScopes scopes;

    private ApiKeyInterceptor(ApiKeys keys, MethodScopes scopes) {
        this.keys = keys;
        this.scopes = scopes;
    }

    public static ApiKeyInterceptor enabled(ApiKeys keys, MethodScopes scopes) {
        return new ApiKeyInterceptor(keys, scopes);
    }

    public static ApiKeyInterceptor disabled() {
        return new ApiKeyInterceptor(null, MethodScopes.none());
    }

    /**
     * The interceptor for {@code kiln.auth.enabled} and {@code kiln.auth.api-keys-file}: enabled
     * without a readable, well-formed key file is an {@link ApiKeyFileException}, so the service
     * does not start half-protected.
     */
    public static ApiKeyInterceptor configure(boolean enabled, Optional<Path> keysFile, MethodScopes scopes) {
        if (!enabled) {
            LOG.log(Level.INFO, "API keys off (kiln.auth.enabled=false): every caller may use every RPC");
            return disabled();
        }
        Path file = keysFile.orElseThrow(() -> new ApiKeyFileException(
                "kiln.auth.enabled=true needs kiln.auth.api-keys-file (lines 'key scope[,scope]')"));
        ApiKeyInterceptor interceptor = enabled(ApiKeys.load(file), scopes);
        LOG.log(Level.INFO, "API keys on: {0} keys from {1}", interceptor.keyCount(), file);
        return interceptor;
    }

    /** The verdict for an {@code Authorization} value; with authentication off, granted as {@link ApiKey#ANONYMOUS}. */
    public Access check(String authorization, Scope required) {
        return keys == null ? Access.granted(ApiKey.ANONYMOUS) : keys.check(authorization, required);
    }

    /** How many keys are accepted (0 when authentication is off). */
    public int keyCount() {
        return keys == null ? 0 : keys.size();
    }

    public boolean isEnabled() {
        return keys != null;
    }

    /** The caller of the current gRPC call ({@link ApiKey#ANONYMOUS} when authentication is off). */
    public static ApiKey caller() {
        return CALLER.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (keys == null || OPEN_SERVICES.contains(MethodDescriptor.extractFullServiceName(method))) {
            return next.startCall(call, headers);
        }
        Scope required = scopes.of(method).orElse(null);
        if (required == null) {
            return refuse(
                    call,
                    Status.PERMISSION_DENIED.withDescription(
                            method + " has no API key scope configured; it is refused until one is"));
        }
        Access access = check(headers.get(AUTHORIZATION), required);
        return switch (access.outcome()) {
            case GRANTED ->
                Contexts.interceptCall(Context.current().withValue(CALLER, access.caller()), call, headers, next);
            case UNAUTHENTICATED -> refuse(call, Status.UNAUTHENTICATED.withDescription(access.message()));
            case DENIED -> refuse(call, Status.PERMISSION_DENIED.withDescription(access.message()));
        };
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
