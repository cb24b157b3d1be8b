package dev.kiln.inference.limits;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code capacity}, refills at {@code perSecond}. {@link #charge} may
 * take it below zero (a debt paid back by the refill), which is how generated tokens are counted
 * after the fact. Not thread-safe: {@link RateLimiter} guards each bucket.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private final LongSupplier clock;
    private double level;
    private long at;

    TokenBucket(double capacity, double perSecond, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.clock = nanoClock;
        this.level = capacity;
        this.at = nanoClock.getAsLong();
    }

    private void refill() {
        long now = clock.getAsLong();
        level = Math.min(capacity, level + (now - at) * perNano);
        at = now;
    }

    /** Whether {@code n} are available now (without taking them). */
    boolean has(double n) {
        refill();
        return level >= n;
    }

    /** Takes {@code n}, possibly leaving a debt. */
    void charge(double n) {
        refill();
        level -= n;
    }

    /** Nanoseconds until {@code n} are available (0 if they are). */
    long nanosUntil(double n) {
        refill();
        return level >= n ? 0 : (long) Math.ceil((n - level) / perNano);
    }
}
