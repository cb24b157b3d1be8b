package dev.kiln.corpus.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Live, thread-safe counters of one step: in / kept / dropped by reason / time spent. */
public final class StepStats {
    private final String step;
    private final LongAdder in = new LongAdder();
    private final LongAdder kept = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();

    public StepStats(String step) {
        this.step = step;
    }

    void record(StepResult r, long elapsedNanos) {
        in.increment();
        nanos.add(elapsedNanos);
        if (r.kept()) kept.increment();
        else dropped.computeIfAbsent(r.reason(), k -> new LongAdder()).increment();
    }

    public String step() {
        return step;
    }

    public long in() {
        return in.sum();
    }

    public long kept() {
        return kept.sum();
    }

    public long nanos() {
        return nanos.sum();
    }

    public long droppedTotal() {
        long s = 0;
        for (LongAdder a : dropped.values()) s += a.sum();
        return s;
    }

    /** Dropped counts by reason, sorted by reason. */
    public Map<String, Long> droppedByReason() {
        Map<String, Long> m = new TreeMap<>();
        dropped.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public Snapshot snapshot() {
        return new Snapshot(step, in(), kept(), droppedByReason(), nanos());
    }

    /** An immutable copy for reporting ({@code GetStats}, logs, Prometheus). */
    public record Snapshot(String step, long in, long kept, Map<String, Long> droppedByReason, long nanos) {
        public long dropped() {
            return droppedByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
