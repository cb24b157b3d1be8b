package dev.kiln.inference.limits;

import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-key budgets for generation (token buckets): a request is admitted when the key has a
 * request left ({@code requests-per-second}, refilled continuously, up to the burst) and its
 * generated-token budget is not in debt ({@code tokens-per-minute}). Generated tokens are charged
 * as they are produced, so a long stream may take the budget below zero: that stream finishes,
 * and the key's next request is refused until the refill has paid the debt back. Cutting a stream
 * in the middle would hand the client half an answer it already paid for.
 *
 * <p>Keys come from the key file, so the map of buckets is bounded by it.
 */
public final class RateLimiter {
    private final RateLimitPolicy policy;
    private final RateLimitMetrics metrics;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();

    public RateLimiter(RateLimitPolicy policy, RateLimitMetrics metrics, LongSupplier nanoClock) {
        this.policy = policy;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    private final class Budget {
        final TokenBucket requests = policy.requestsPerSecond() > 0
                ? new TokenBucket(policy.requestBurst(), policy.requestsPerSecond(), nanoClock)
                : null;
        final TokenBucket tokens = policy.tokensPerMinute() > 0
                ? new TokenBucket(policy.tokensPerMinute(), policy.tokensPerMinute() / 60.0, nanoClock)
                : null;
    }

    private Budget budget(String keyId) {
        return budgets.computeIfAbsent(keyId, k -> new Budget());
    }

    /** Admits one generation request of {@code keyId}, or throws {@link RateLimitedException}. */
    public void admit(String keyId) {
        Budget b = budget(keyId);
        synchronized (b) {
            if (b.tokens != null && !b.tokens.has(1)) {
                throw refuse(
                        keyId,
                        RateLimitMetrics.Limit.TOKENS,
                        b.tokens.nanosUntil(1),
                        "API key " + keyId + " used its " + policy.tokensPerMinute()
                                + " generated tokens per minute (kiln.inference.rate-limit.tokens-per-minute)");
            }
            if (b.requests != null) {
                if (!b.requests.has(1)) {
                    throw refuse(
                            keyId,
                            RateLimitMetrics.Limit.REQUESTS,
                            b.requests.nanosUntil(1),
                            "API key " + keyId + " sent more than " + policy.requestsPerSecond()
                                    + " requests per second (kiln.inference.rate-limit.requests-per-second, burst "
                                    + policy.requestBurst() + ")");
                }
                b.requests.charge(1);
            }
        }
        metrics.admitted(keyId);
    }

    private RateLimitedException refuse(String keyId, RateLimitMetrics.Limit limit, long waitNanos, String what) {
        metrics.refused(keyId, limit);
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return new RateLimitedException(what + "; retry after " + seconds + " s", seconds, limit);
    }

    /** Charges {@code tokens} generated tokens to {@code keyId}'s minute budget. */
    public void charge(String keyId, int tokens) {
        if (tokens <= 0) {
            return;
        }
        Budget b = budget(keyId);
        if (b.tokens != null) {
            synchronized (b) {
                b.tokens.charge(tokens);
            }
        }
        metrics.tokensCharged(keyId, tokens);
    }

    /** {@code listener}, charging every token it is handed to {@code keyId}. */
    public GenerationListener charging(String keyId, GenerationListener listener) {
        return new GenerationListener() {
            private int charged; // scheduler thread only

            @Override
            public void onTokens(String text, int[] tokens) {
                charged += tokens.length;
                charge(keyId, tokens.length);
                listener.onTokens(text, tokens);
            }

            @Override
            public void onFinish(String text, int[] tokens, FinishReason reason, int promptTokens, int completion) {
                charge(keyId, completion - charged);
                listener.onFinish(text, tokens, reason, promptTokens, completion);
            }

            @Override
            public void onError(GenerationFailedException error) {
                listener.onError(error);
            }
        };
    }
}
