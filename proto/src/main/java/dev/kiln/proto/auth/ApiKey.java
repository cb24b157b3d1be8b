package dev.kiln.proto.auth;

import java.util.Set;

/**
 * An authenticated caller: the key's id (safe for logs and metrics, never the key itself) and its
 * scopes.
 */
public record ApiKey(String id, Set<Scope> scopes) {

    /** The caller when authentication is off: every scope, one shared id for metrics and rate limits. */
    public static final ApiKey ANONYMOUS = new ApiKey("anonymous", Set.of(Scope.ADMIN, Scope.GENERATE));

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public boolean allows(Scope required) {
        return scopes.contains(required);
    }
}
