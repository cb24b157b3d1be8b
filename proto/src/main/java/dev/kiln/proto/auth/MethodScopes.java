package dev.kiln.proto.auth;

import io.grpc.MethodDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scope each RPC of a service needs, keyed by full method name. A method that is not listed
 * has no scope and is refused ({@link ApiKeyInterceptor} fails closed), so each service has a test
 * that every method of its descriptor is listed here.
 */
public final class MethodScopes {

    private final Map<String, Scope> byMethod;

    private MethodScopes(Map<String, Scope> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    public static MethodScopes none() {
        return new MethodScopes(Map.of());
    }

    /** These scopes plus {@code methods} needing {@code scope}. */
    public MethodScopes with(Scope scope, MethodDescriptor<?, ?>... methods) {
        Map<String, Scope> next = new LinkedHashMap<>(byMethod);
        for (MethodDescriptor<?, ?> m : methods) {
            if (next.put(m.getFullMethodName(), scope) != null) {
                throw new IllegalArgumentException(m.getFullMethodName() + " is given a scope twice");
            }
        }
        return new MethodScopes(next);
    }

    /** The scope {@code fullMethodName} needs, empty when it is not listed. */
    public Optional<Scope> of(String fullMethodName) {
        return Optional.ofNullable(byMethod.get(fullMethodName));
    }

    public Set<String> methods() {
        return byMethod.keySet();
    }
}
