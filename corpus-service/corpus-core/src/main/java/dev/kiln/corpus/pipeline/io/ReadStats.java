package dev.kiln.corpus.pipeline.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a reader: records/lines seen, documents produced, and skips by reason (malformed, …). */
public final class ReadStats {
    private final LongAdder records = new LongAdder();
    private final LongAdder documents = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> skipped = new ConcurrentHashMap<>();

    void record() {
        records.increment();
    }

    void document() {
        documents.increment();
    }

    void bytes(long n) {
        bytes.add(n);
    }

    void skip(String reason) {
        skipped.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** WARC records or JSONL lines seen. */
    public long records() {
        return records.sum();
    }
    /** Documents handed to the sink. */
    public long documents() {
        return documents.sum();
    }
    /** Bytes of input consumed (compressed size for .gz). */
    public long bytes() {
        return bytes.sum();
    }

    public long skipped(String reason) {
        LongAdder a = skipped.get(reason);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> skippedByReason() {
        Map<String, Long> m = new TreeMap<>();
        skipped.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public String toString() {
        return "records=" + records() + " documents=" + documents() + " skipped=" + skippedByReason();
    }
}
