package dev.kiln.corpus.engine;

import dev.kiln.corpus.pipeline.dedup.DedupIndexUnavailableException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one ingest call: documents in, kept, dropped by "step/reason", tokens. */
public final class IngestTally {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final LongAdder tokens = new LongAdder();
    private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();
    private long outstanding;
    private Throwable failure;

    /** The running counters, for progress reports. */
    public record Counts(long documentsIn, long documentsKept, long documentsDropped, long tokens) {}

    /**
     * The end of an ingest: every document received (those a reader skipped included), kept,
     * dropped by "step/reason" (reader skips under "read/reason"), and the tokens of the kept ones.
     */
    public record Summary(
            long documentsReceived,
            long documentsKept,
            long documentsDropped,
            Map<String, Long> droppedByReason,
            long tokens) {}

    /** A receipt that counts the document's tokens into this tally. */
    public Receipt receipt() {
        received.incrementAndGet();
        return new Receipt() {
            @Override
            public void tokenized(int count) {
                tokens.add(count);
            }

            @Override
            public void done() {}
        };
    }

    /** Counts the outcome once it is known (global dedup answers asynchronously). */
    public void record(CompletableFuture<CorpusEngine.Outcome> outcome) {
        synchronized (this) {
            outstanding++;
        }
        outcome.whenComplete((o, error) -> {
            if (error == null) {
                record(o);
            }
            synchronized (this) {
                if (error != null && failure == null) {
                    failure = error;
                }
                outstanding--;
                notifyAll();
            }
        });
    }

    /**
     * Waits for every outcome recorded so far.
     *
     * @throws DedupIndexUnavailableException when an outcome failed or did not arrive in time
     */
    public synchronized void awaitOutcomes(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (outstanding > 0 && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DedupIndexUnavailableException(
                        outstanding + " documents got no dedup verdict within " + unit.toSeconds(timeout) + "s", null);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (failure != null) {
            throw failure instanceof DedupIndexUnavailableException unavailable
                    ? unavailable
                    : new DedupIndexUnavailableException("a document got no dedup verdict: " + failure, failure);
        }
    }

    private void record(CorpusEngine.Outcome outcome) {
        if (outcome.kept()) {
            kept.incrementAndGet();
        } else {
            drop(outcome.dropKey());
        }
    }

    private void drop(String key) {
        dropped.incrementAndGet();
        drops.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Counts the records a reader skipped (malformed, not HTTP 2xx ...) as drops under "read/reason". */
    public void readerSkipped(Map<String, Long> skippedByReason) {
        skippedByReason.forEach((reason, count) -> {
            dropped.addAndGet(count);
            drops.computeIfAbsent("read/" + reason, k -> new LongAdder()).add(count);
        });
    }

    public Summary summary() {
        Map<String, Long> byReason = new TreeMap<>();
        drops.forEach((k, v) -> byReason.put(k, v.sum()));
        return new Summary(received.get() + readerDrops(), kept.get(), dropped.get(), byReason, tokens.sum());
    }

    private long readerDrops() {
        return drops.entrySet().stream()
                .filter(e -> e.getKey().startsWith("read/"))
                .mapToLong(e -> e.getValue().sum())
                .sum();
    }

    public Counts counts() {
        return new Counts(received.get(), kept.get(), dropped.get(), tokens.sum());
    }
}
