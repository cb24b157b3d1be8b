package dev.kiln.inference.service;

import dev.kiln.inference.limits.RateLimitMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Per API key meters, tagged with the key id (8 hex digits of the key's SHA-256, never the key):
 * kiln_inference_key_requests_total{key}, kiln_inference_key_generated_tokens_total{key} and
 * kiln_inference_rate_limited_total{key,limit=requests|tokens}. Keys come from the key file, so
 * the number of series is bounded by it.
 */
final class MicrometerRateLimitMetrics implements RateLimitMetrics {
    private final MeterRegistry registry;

    MicrometerRateLimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void admitted(String keyId) {
        Counter.builder("kiln.inference.key.requests")
                .description("Generation requests admitted, per API key id")
                .tag("key", keyId)
                .register(registry)
                .increment();
    }

    @Override
    public void refused(String keyId, Limit limit) {
        Counter.builder("kiln.inference.rate.limited")
                .description("Generation requests refused by a per-key rate limit")
                .tag("key", keyId)
                .tag("limit", limit.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    @Override
    public void tokensCharged(String keyId, int tokens) {
        Counter.builder("kiln.inference.key.generated.tokens")
                .description("Tokens generated, per API key id")
                .tag("key", keyId)
                .register(registry)
                .increment(tokens);
    }
}
