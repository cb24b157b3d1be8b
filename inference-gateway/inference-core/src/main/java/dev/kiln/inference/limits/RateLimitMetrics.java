package dev.kiln.inference.limits;

/** What the limiter reports, per key id (never the key); the gateway turns it into meters. */
public interface RateLimitMetrics {

    enum Limit {
        REQUESTS,
        TOKENS
    }

    void admitted(String keyId);

    void refused(String keyId, Limit limit);

    void tokensCharged(String keyId, int tokens);

    RateLimitMetrics NONE = new RateLimitMetrics() {
        @Override
        public void admitted(String keyId) {}

        @Override
        public void refused(String keyId, Limit limit) {}

        @Override
        public void tokensCharged(String keyId, int tokens) {}
    };
}
