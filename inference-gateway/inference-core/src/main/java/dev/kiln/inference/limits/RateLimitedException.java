package dev.kiln.inference.limits;

/** A key used up one of its budgets; {@link #retryAfterSeconds()} says when the next request can pass. */
public class RateLimitedException extends RuntimeException {
    private final long retryAfterSeconds;
    private final RateLimitMetrics.Limit limit;

    RateLimitedException(String message, long retryAfterSeconds, RateLimitMetrics.Limit limit) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
        this.limit = limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public RateLimitMetrics.Limit limit() {
        return limit;
    }
}
