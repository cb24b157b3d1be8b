package dev.kiln.corpus.engine;

import java.util.TreeSet;

/**
 * The highest position below which everything is done, when positions finish out of order: Kafka
 * may acknowledge shards of different partitions in any order, but an offset (or a dedup journal)
 * may only advance over a prefix that is complete.
 */
public final class Watermark {

    private final TreeSet<Long> pending = new TreeSet<>();
    private long next;

    /** @param start the first position that will be started */
    public Watermark(long start) {
        this.next = start;
    }

    public synchronized void started(long position) {
        pending.add(position);
        next = Math.max(next, position + 1);
    }

    public synchronized void done(long position) {
        pending.remove(position);
    }

    /** Every position below this is done. */
    public synchronized long completeBelow() {
        return pending.isEmpty() ? next : pending.first();
    }

    public synchronized boolean idle() {
        return pending.isEmpty();
    }
}
