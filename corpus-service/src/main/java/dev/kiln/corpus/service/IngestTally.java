package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.Receipt;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one ingest call: documents in, kept, dropped by "step/reason", tokens. */
final class IngestTally {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final LongAdder tokens = new LongAdder();
    private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();

    /** A receipt that counts the document's tokens into this tally. */
    Receipt receipt() {
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

    void record(CorpusEngine.Outcome outcome) {
        if (outcome.kept()) {
            kept.incrementAndGet();
        } else {
            drop(outcome.dropKey());
        }
    }

    /** A document that never reached the pipeline (malformed record, oversized body ...). */
    void drop(String key) {
        dropped.incrementAndGet();
        drops.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    void readerSkipped(Map<String, Long> skippedByReason) {
        skippedByReason.forEach((reason, count) -> {
            dropped.addAndGet(count);
            drops.computeIfAbsent("read/" + reason, k -> new LongAdder()).add(count);
        });
    }

    IngestSummary summary() {
        Map<String, Long> byReason = new TreeMap<>();
        drops.forEach((k, v) -> byReason.put(k, v.sum()));
        return IngestSummary.newBuilder()
                .setDocumentsReceived(received.get() + readerDrops())
                .setDocumentsKept(kept.get())
                .setDocumentsDropped(dropped.get())
                .putAllDroppedByReason(byReason)
                .setTokens(tokens.sum())
                .build();
    }

    private long readerDrops() {
        return drops.entrySet().stream()
                .filter(e -> e.getKey().startsWith("read/"))
                .mapToLong(e -> e.getValue().sum())
                .sum();
    }

    IngestProgress.Builder progress() {
        return IngestProgress.newBuilder()
                .setDocumentsIn(received.get())
                .setDocumentsKept(kept.get())
                .setDocumentsDropped(dropped.get())
                .setTokens(tokens.sum());
    }
}
