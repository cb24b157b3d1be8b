package dev.kiln.inference.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    final AtomicLong now = new AtomicLong(1_000);
    final List<String> events = new ArrayList<>();
    final RateLimitMetrics metrics = new RateLimitMetrics() {
        @Override
        public void admitted(String keyId) {
            events.add("admitted " + keyId);
        }

        @Override
        public void refused(String keyId, Limit limit) {
            events.add("refused " + keyId + " " + limit);
        }

        @Override
        public void tokensCharged(String keyId, int tokens) {
            events.add("charged " + keyId + " " + tokens);
        }
    };

    RateLimiter limiter(double rps, int burst, long tpm) {
        return new RateLimiter(new RateLimitPolicy(rps, burst, tpm), metrics, now::get);
    }

    void advance(double seconds) {
        now.addAndGet((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void requestsPassUpToTheBurstThenRefillAtTheRate() {
        RateLimiter l = limiter(2, 3, 0);
        l.admit("a");
        l.admit("a");
        l.admit("a");
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> l.admit("a"));
        assertThat(e.limit()).isEqualTo(RateLimitMetrics.Limit.REQUESTS);
        assertThat(e.retryAfterSeconds()).isEqualTo(1);
        assertThat(e.getMessage())
                .contains("kiln.inference.rate-limit.requests-per-second")
                .contains("retry after 1 s");
        l.admit("b"); // another key has its own budget
        advance(0.5); // one request refilled at 2/s
        l.admit("a");
        assertThatThrownBy(() -> l.admit("a")).isInstanceOf(RateLimitedException.class);
        advance(10); // refills to the burst, not beyond
        l.admit("a");
        l.admit("a");
        l.admit("a");
        assertThatThrownBy(() -> l.admit("a")).isInstanceOf(RateLimitedException.class);
        assertThat(events).contains("refused a REQUESTS", "admitted b");
    }

    @Test
    void aStreamThatOverrunsTheTokenBudgetFinishesAndTheNextRequestWaitsForTheDebt() {
        RateLimiter l = limiter(0, 0, 600); // 10 tokens per second
        l.admit("k");
        List<String> got = new ArrayList<>();
        GenerationListener sink = new GenerationListener() {
            @Override
            public void onTokens(String text, int[] tokens) {
                got.add(text);
            }

            @Override
            public void onFinish(String text, int[] tokens, FinishReason reason, int prompt, int completion) {
                got.add(text + "|" + completion);
            }

            @Override
            public void onError(GenerationFailedException error) {}
        };
        GenerationListener charged = l.charging("k", sink);
        charged.onTokens("a", new int[500]);
        charged.onTokens("b", new int[200]); // past the budget: the stream still gets its tokens
        charged.onFinish("c", new int[10], FinishReason.LENGTH, 3, 720);
        assertThat(got).containsExactly("a", "b", "c|720");
        assertThat(events).contains("charged k 500", "charged k 200", "charged k 20");
        // 600 - 720 = -120 tokens: 121 tokens of refill (12.1 s) before one is available
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> l.admit("k"));
        assertThat(e.limit()).isEqualTo(RateLimitMetrics.Limit.TOKENS);
        assertThat(e.retryAfterSeconds()).isEqualTo(13);
        assertThat(e.getMessage()).contains("600 generated tokens per minute");
        advance(12);
        assertThatThrownBy(() -> l.admit("k")).isInstanceOf(RateLimitedException.class);
        advance(0.2);
        l.admit("k");
    }

    @Test
    void zeroMeansUnlimited() {
        RateLimiter l = limiter(0, 0, 0);
        for (int i = 0; i < 10_000; i++) {
            l.admit("k");
        }
        l.charge("k", 1_000_000);
        l.admit("k");
    }

    @Test
    void policyRejectsNonsense() {
        assertThatThrownBy(() -> new RateLimitPolicy(-1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitPolicy(5, 0, 0)).hasMessageContaining("request-burst");
    }
}
