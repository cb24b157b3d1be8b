package dev.kiln.corpus.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters of a whole pipeline, one {@link StepStats} per step in pipeline order. */
public final class PipelineStats {
    private final List<StepStats> steps;
    final LongAdder documentsIn = new LongAdder();
    final LongAdder documentsKept = new LongAdder();

    PipelineStats(List<String> stepNames) {
        List<StepStats> s = new ArrayList<>();
        for (String n : stepNames) s.add(new StepStats(n));
        this.steps = List.copyOf(s);
    }

    public List<StepStats> steps() {
        return steps;
    }

    public long documentsIn() {
        return documentsIn.sum();
    }

    public long documentsKept() {
        return documentsKept.sum();
    }

    public List<StepStats.Snapshot> snapshot() {
        return steps.stream().map(StepStats::snapshot).toList();
    }

    /** A human-readable table, like datatrove's end-of-run stats log. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        long totalNanos = steps.stream().mapToLong(StepStats::nanos).sum();
        sb.append(String.format(
                Locale.ROOT,
                "%-20s %9s %9s %9s %7s  %s%n",
                "step",
                "in",
                "kept",
                "dropped",
                "time%",
                "dropped by reason"));
        for (StepStats s : steps) {
            Map<String, Long> d = s.droppedByReason();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-20s %9d %9d %9d %6.1f%%  %s%n",
                    s.step(),
                    s.in(),
                    s.kept(),
                    s.droppedTotal(),
                    totalNanos == 0 ? 0.0 : 100.0 * s.nanos() / totalNanos,
                    d));
        }
        sb.append(String.format(Locale.ROOT, "documents in=%d kept=%d%n", documentsIn(), documentsKept()));
        return sb.toString();
    }
}
