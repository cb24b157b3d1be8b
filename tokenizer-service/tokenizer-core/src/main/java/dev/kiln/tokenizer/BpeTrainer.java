package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Trains a byte-level BPE encoding from a stream of text.
 *
 * <p>Two phases. Counting: text is pre-tokenized with the chosen pattern and each distinct piece
 * ("word") is counted once, on a few threads, so the corpus is read only once and memory grows with the
 * number of distinct words, not the corpus size. Merging ({@link BpeMergeLearner}): ranked merges learned
 * from the counted words, deterministically.
 *
 * <p>Token ids: 0..255 are the bytes, merges follow in order (rank == id, so the result is a valid
 * {@code .tiktoken} file), special tokens come last. A merge whose bytes already exist as a token reuses
 * that token instead of making a duplicate.
 *
 * <p>Feed text with {@link #accept} (or {@link #acceptChunk}) from one thread, then call {@link #train} once;
 * {@link #close} a trainer that is abandoned (a cancelled request) to stop its counting threads.
 */
public final class BpeTrainer implements AutoCloseable {
    /** What to train. */
    public record Options(
            String name,
            String pattern,
            int vocabSize,
            List<String> specialTokens,
            long minPairFrequency,
            int threads) {
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pattern, "pattern");
            specialTokens = List.copyOf(specialTokens);
            if (vocabSize < 256 + specialTokens.size()) {
                throw new IllegalArgumentException("vocabSize must be at least 256 + number of special tokens ("
                        + (256 + specialTokens.size()) + "), was " + vocabSize);
            }
            if (minPairFrequency < 1) {
                throw new IllegalArgumentException("minPairFrequency must be >= 1");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
        }

        /** o200k's pattern, {@code <|endoftext|>} as the only special token, min frequency 2, all cores. */
        public static Options defaults(String name, int vocabSize) {
            return new Options(
                    name,
                    Pretokenizer.O200K_PATTERN,
                    vocabSize,
                    List.of(Encoding.END_OF_TEXT),
                    2,
                    Runtime.getRuntime().availableProcessors());
        }

        public Options withPattern(String p) {
            return new Options(name, p, vocabSize, specialTokens, minPairFrequency, threads);
        }

        public Options withSpecialTokens(List<String> s) {
            return new Options(name, pattern, vocabSize, s, minPairFrequency, threads);
        }

        public Options withMinPairFrequency(long f) {
            return new Options(name, pattern, vocabSize, specialTokens, f, threads);
        }

        public Options withThreads(int t) {
            return new Options(name, pattern, vocabSize, specialTokens, minPairFrequency, t);
        }
    }

    private static final int BATCH_CHARS = 1 << 20;

    private final Options options;
    private final Pretokenizer pretokenizer;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final List<Future<?>> pending = new ArrayList<>();
    private final ThreadLocal<Map<String, long[]>> workerCounts;
    private final List<Map<String, long[]>> allWorkerCounts = new ArrayList<>();
    private List<String> batch = new ArrayList<>();
    private int batchChars;
    private final StringBuilder carry = new StringBuilder();
    private boolean trained;

    public BpeTrainer(Options options) {
        this.options = options;
        this.pretokenizer = Pretokenizer.forPattern(options.pattern());
        this.pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "bpe-trainer-count");
            t.setDaemon(true);
            return t;
        });
        this.inFlight = new Semaphore(options.threads() * 2);
        this.workerCounts = ThreadLocal.withInitial(() -> {
            Map<String, long[]> m = new HashMap<>();
            synchronized (allWorkerCounts) {
                allWorkerCounts.add(m);
            }
            return m;
        });
    }

    /** Trains on all texts with these options. */
    public static Encoding train(Iterable<String> texts, Options options) {
        BpeTrainer trainer = new BpeTrainer(options);
        for (String t : texts) {
            trainer.accept(t);
        }
        return trainer.train();
    }

    /** Adds one text (a document, a line, a chunk: pieces never span two calls). */
    public void accept(String text) {
        if (trained) {
            throw new IllegalStateException("train() was already called");
        }
        batch.add(text);
        batchChars += text.length();
        if (batchChars >= BATCH_CHARS) {
            submitBatch();
        }
    }

    /**
     * Adds a chunk of a longer text that arrives in arbitrary pieces (a client stream): text up to the
     * chunk's last line break is counted, the rest waits for the next chunk, so words cut by a chunk
     * boundary are still counted whole. {@link #train} flushes what is left.
     */
    public void acceptChunk(CharSequence chunk) {
        carry.append(chunk);
        int lastBreak = carry.lastIndexOf("\n");
        if (lastBreak >= 0) {
            accept(carry.substring(0, lastBreak + 1));
            carry.delete(0, lastBreak + 1);
        } else if (carry.length() > BATCH_CHARS) {
            // a huge text without line breaks: cut at the last space instead
            int lastSpace = carry.lastIndexOf(" ");
            int cut = lastSpace > 0 ? lastSpace : carry.length();
            accept(carry.substring(0, cut));
            carry.delete(0, cut);
        }
    }

    private void submitBatch() {
        if (batch.isEmpty()) {
            return;
        }
        List<String> work = batch;
        batch = new ArrayList<>();
        batchChars = 0;
        inFlight.acquireUninterruptibly(); // back pressure: a fast producer must not queue the whole corpus
        pending.add(pool.submit(() -> {
            try {
                Map<String, long[]> counts = workerCounts.get();
                for (String text : work) {
                    // special-token text in training data is not learned from
                    countPieces(text, counts);
                }
            } finally {
                inFlight.release();
            }
        }));
        pending.removeIf(Future::isDone);
    }

    private void countPieces(String text, Map<String, long[]> counts) {
        int from = 0;
        for (String special : options.specialTokens()) {
            if (text.contains(special)) {
                text = text.replace(special, "\u0000");
            }
        }
        int n = text.length();
        while (from < n) {
            int stop = text.indexOf('\u0000', from);
            int to = stop < 0 ? n : stop;
            Pretokenizer.Cursor c = pretokenizer.cursor(text, from, to);
            while (c.next()) {
                String piece = text.substring(c.start, c.end);
                long[] count = counts.get(piece);
                if (count == null) {
                    counts.put(piece, new long[] {1});
                } else {
                    count[0]++;
                }
            }
            from = to + 1;
        }
    }

    /** Stops the counting threads of a trainer that will not be trained (train() does this itself). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Runs the merges and returns the trained encoding. */
    public Encoding train() {
        if (trained) {
            throw new IllegalStateException("train() was already called");
        }
        if (carry.length() > 0) {
            accept(carry.toString());
            carry.setLength(0);
        }
        trained = true;
        submitBatch();
        try {
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("counting failed", e.getCause());
        } finally {
            pool.shutdown();
        }
        Map<String, long[]> words = mergeCounts();
        BpeMergeLearner merger = new BpeMergeLearner(
                words, options.vocabSize() - options.specialTokens().size(), options.minPairFrequency());
        words.clear();
        RankTable ranks = merger.run();
        Map<String, Integer> specials = new LinkedHashMap<>();
        int nextId = ranks.idLimit();
        for (String s : options.specialTokens()) {
            specials.put(s, nextId++);
        }
        return new Encoding(options.name(), pretokenizer, ranks, specials);
    }

    private Map<String, long[]> mergeCounts() {
        Map<String, long[]> total = null;
        synchronized (allWorkerCounts) {
            for (Map<String, long[]> m : allWorkerCounts) {
                if (total == null) {
                    total = m;
                    continue;
                }
                for (Map.Entry<String, long[]> e : m.entrySet()) {
                    long[] c = total.get(e.getKey());
                    if (c == null) {
                        total.put(e.getKey(), e.getValue());
                    } else {
                        c[0] += e.getValue()[0];
                    }
                }
                m.clear();
            }
        }
        return total == null ? new HashMap<>() : total;
    }
}
