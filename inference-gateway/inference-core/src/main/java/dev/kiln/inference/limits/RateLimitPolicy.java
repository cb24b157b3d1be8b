package dev.kiln.inference.limits;

/**
 * What each API key may use: generation requests per second (with a burst) and generated tokens
 * per minute. A zero rate means that dimension is not limited.
 */
public record RateLimitPolicy(double requestsPerSecond, int requestBurst, long tokensPerMinute) {
    public RateLimitPolicy {
        if (requestsPerSecond < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative");
        }
        if (requestsPerSecond > 0 && requestBurst < 1) {
            throw new IllegalArgumentException("request-burst must be at least 1 when requests-per-second is set");
        }
    }
}
