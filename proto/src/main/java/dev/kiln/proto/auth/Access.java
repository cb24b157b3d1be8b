package dev.kiln.proto.auth;

/**
 * The verdict on one request's credentials, shared by the gRPC interceptor and the gateway's HTTP
 * endpoints so both say the same thing: granted (with the caller), unauthenticated (no key, or an
 * unknown one) or denied (a known key without the scope).
 */
public record Access(Outcome outcome, ApiKey caller, String message) {

    public enum Outcome {
        GRANTED,
        UNAUTHENTICATED,
        DENIED
    }

    static Access granted(ApiKey caller) {
        return new Access(Outcome.GRANTED, caller, null);
    }

    static Access unauthenticated(String message) {
        return new Access(Outcome.UNAUTHENTICATED, null, message);
    }

    static Access denied(ApiKey caller, String message) {
        return new Access(Outcome.DENIED, caller, message);
    }

    public boolean granted() {
        return outcome == Outcome.GRANTED;
    }
}
