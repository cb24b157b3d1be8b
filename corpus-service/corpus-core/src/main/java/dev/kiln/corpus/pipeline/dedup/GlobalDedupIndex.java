package dev.kiln.corpus.pipeline.dedup;

import java.util.concurrent.CompletableFuture;

/**
 * The dedup index every corpus replica shares, seen from one replica: it decides first-seen per key
 * across all replicas and restarts. The service implements it on Kafka Streams (a band topic keyed by
 * key, RocksDB stores with changelogs); {@link BandLedger} is the rule it applies to each key. A
 * document is marked shipped by the shard sink, in the transaction that publishes its shard (a {@link
 * DedupMessages.Type#SHIPPED} entry on the band topic): from then on a replay of it is a duplicate of
 * itself.
 */
public interface GlobalDedupIndex {

    /**
     * Claims every key of the document; completes once each key is answered: kept when the document
     * is first for all of them, a duplicate otherwise (naming the first key another document holds).
     * Fails when the index does not answer in time.
     */
    CompletableFuture<Verdict> claim(DedupKeys keys);

    /** The verdict {@link #claim} would give now, changing nothing (the dry run of InspectDocument). */
    CompletableFuture<Verdict> probe(DedupKeys keys);

    /**
     * Documents holding an exact-text key in the part of the index this replica serves (all of it
     * when it runs alone); 0 while its part is being rebuilt.
     */
    long documents();

    /** Answer for one document: {@code duplicateKey} is the index of its first key held by another, or -1. */
    record Verdict(int duplicateKey, String holder) {
        public static final Verdict FIRST = new Verdict(-1, null);

        public boolean duplicate() {
            return duplicateKey >= 0;
        }
    }
}
