package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
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
 * number of distinct words, not the corpus size. Merging: pair counts over all words are kept in a table
 * and updated incrementally, touching only the words that contain the merged pair (an index from pair to
 * words); the best pair comes from a max-heap with lazy re-insertion, since existing pairs' counts can only
 * fall. Ties go to the pair with the smaller (left id, right id), so the result depends on the text only.
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
        Merger merger =
                new Merger(words, options.vocabSize() - options.specialTokens().size(), options.minPairFrequency());
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

    /** The merge phase over distinct words. */
    private static final class Merger {
        private final int[][] words;
        private final long[] wordCounts;
        private final int targetTokens;
        private final long minFrequency;

        // token id → bytes
        private final List<byte[]> tokenBytes = new ArrayList<>();
        private final Map<ByteKey, Integer> idByBytes = new HashMap<>();

        // pairs: index ↔ (left, right), with count and the words that (may) contain them
        private final PairIndex pairIndex = new PairIndex();
        private int[] pairLeft = new int[1 << 16];
        private int[] pairRight = new int[1 << 16];
        private long[] pairCount = new long[1 << 16];
        private IntList[] pairWords = new IntList[1 << 16];
        private int[] pairStamp = new int[1 << 16];
        private int pairs;

        private final PairHeap heap = new PairHeap();
        private int[] wordStamp;

        Merger(Map<String, long[]> counted, int targetTokens, long minFrequency) {
            this.targetTokens = targetTokens;
            this.minFrequency = minFrequency;
            this.words = new int[counted.size()][];
            this.wordCounts = new long[counted.size()];
            // sort for a result that does not depend on hash order or thread timing
            List<String> keys = new ArrayList<>(counted.keySet());
            keys.sort(null);
            byte[] buf = new byte[64];
            for (int w = 0; w < keys.size(); w++) {
                String k = keys.get(w);
                if (buf.length < k.length() * 3) {
                    buf = new byte[k.length() * 3];
                }
                int len = Utf8.encode(k, 0, k.length(), buf);
                int[] symbols = new int[len];
                for (int i = 0; i < len; i++) {
                    symbols[i] = buf[i] & 0xFF;
                }
                words[w] = symbols;
                wordCounts[w] = counted.get(k)[0];
            }
            for (int b = 0; b < 256; b++) {
                byte[] one = {(byte) b};
                tokenBytes.add(one);
                idByBytes.put(new ByteKey(one), b);
            }
            wordStamp = new int[words.length];
            Arrays.fill(wordStamp, -1);
            Arrays.fill(pairStamp, -1);
        }

        RankTable run() {
            for (int w = 0; w < words.length; w++) {
                int[] s = words[w];
                for (int i = 0; i + 1 < s.length; i++) {
                    int p = pairOf(s[i], s[i + 1]);
                    pairCount[p] += wordCounts[w];
                    addWord(p, w);
                }
            }
            for (int p = 0; p < pairs; p++) {
                heap.push(p, pairCount[p]);
            }
            int step = 0;
            while (tokenBytes.size() < targetTokens && !heap.isEmpty()) {
                int best = heap.peekPair();
                long snapshot = heap.peekCount();
                heap.pop();
                long actual = pairCount[best];
                if (snapshot != actual) {
                    if (actual > 0) {
                        heap.push(best, actual); // counts only fall; re-queue at the true count
                    }
                    continue;
                }
                if (actual < minFrequency) {
                    break;
                }
                int left = pairLeft[best];
                int right = pairRight[best];
                byte[] merged = concat(tokenBytes.get(left), tokenBytes.get(right));
                ByteKey key = new ByteKey(merged);
                Integer existing = idByBytes.get(key);
                int newId;
                if (existing != null) {
                    newId = existing;
                } else {
                    newId = tokenBytes.size();
                    tokenBytes.add(merged);
                    idByBytes.put(key, newId);
                }
                applyMerge(best, left, right, newId, step++);
            }
            RankTable.Builder builder = new RankTable.Builder();
            for (int id = 0; id < tokenBytes.size(); id++) {
                builder.add(tokenBytes.get(id), id, id);
            }
            return builder.build();
        }

        private void applyMerge(int pair, int left, int right, int newId, int step) {
            IntList affected = pairWords[pair];
            pairWords[pair] = null;
            IntList touched = new IntList(16);
            for (int k = 0; k < affected.size; k++) {
                int w = affected.data[k];
                if (wordStamp[w] == step) {
                    continue; // listed twice
                }
                wordStamp[w] = step;
                int[] s = words[w];
                if (!contains(s, left, right)) {
                    continue; // stale entry: an earlier merge consumed the pair in this word
                }
                long c = wordCounts[w];
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCount[pairOf(s[i], s[i + 1])] -= c;
                }
                int[] t = new int[s.length];
                int n = 0;
                for (int i = 0; i < s.length; i++) {
                    if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                        t[n++] = newId;
                        i++;
                    } else {
                        t[n++] = s[i];
                    }
                }
                int[] merged = Arrays.copyOf(t, n);
                words[w] = merged;
                for (int i = 0; i + 1 < n; i++) {
                    int p = pairOf(merged[i], merged[i + 1]);
                    pairCount[p] += c;
                    if (merged[i] == newId || merged[i + 1] == newId) {
                        addWord(p, w);
                        if (pairStamp[p] != step) {
                            pairStamp[p] = step;
                            touched.add(p);
                        }
                    }
                }
            }
            // pairs with the new token enter the heap once, with their count after this step; they are new
            // unless the merge reused an existing token, in which case their count grew and needs re-queuing
            for (int k = 0; k < touched.size; k++) {
                int p = touched.data[k];
                if (pairCount[p] > 0) {
                    heap.push(p, pairCount[p]);
                }
            }
        }

        private static boolean contains(int[] s, int left, int right) {
            for (int i = 0; i + 1 < s.length; i++) {
                if (s[i] == left && s[i + 1] == right) {
                    return true;
                }
            }
            return false;
        }

        private void addWord(int pair, int word) {
            IntList l = pairWords[pair];
            if (l == null) {
                l = new IntList(2);
                pairWords[pair] = l;
            }
            if (l.size == 0 || l.data[l.size - 1] != word) {
                l.add(word);
            }
        }

        private int pairOf(int left, int right) {
            long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
            int p = pairIndex.get(key);
            if (p >= 0) {
                return p;
            }
            p = pairs++;
            if (p == pairLeft.length) {
                int cap = p * 2;
                pairLeft = Arrays.copyOf(pairLeft, cap);
                pairRight = Arrays.copyOf(pairRight, cap);
                pairCount = Arrays.copyOf(pairCount, cap);
                pairWords = Arrays.copyOf(pairWords, cap);
                int old = pairStamp.length;
                pairStamp = Arrays.copyOf(pairStamp, cap);
                Arrays.fill(pairStamp, old, cap, -1);
            }
            pairLeft[p] = left;
            pairRight[p] = right;
            pairIndex.put(key, p);
            return p;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] r = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }

        /** Max-heap of (count, pair): higher count first, then smaller (left, right). */
        private final class PairHeap {
            private int[] pair = new int[1 << 16];
            private long[] count = new long[1 << 16];
            private int size;

            boolean isEmpty() {
                return size == 0;
            }

            int peekPair() {
                return pair[0];
            }

            long peekCount() {
                return count[0];
            }

            void push(int p, long c) {
                if (size == pair.length) {
                    pair = Arrays.copyOf(pair, size * 2);
                    count = Arrays.copyOf(count, size * 2);
                }
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (!before(p, c, pair[parent], count[parent])) {
                        break;
                    }
                    pair[i] = pair[parent];
                    count[i] = count[parent];
                    i = parent;
                }
                pair[i] = p;
                count[i] = c;
            }

            void pop() {
                int lastPair = pair[--size];
                long lastCount = count[size];
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && before(pair[child + 1], count[child + 1], pair[child], count[child])) {
                        child++;
                    }
                    if (!before(pair[child], count[child], lastPair, lastCount)) {
                        break;
                    }
                    pair[i] = pair[child];
                    count[i] = count[child];
                    i = child;
                }
                pair[i] = lastPair;
                count[i] = lastCount;
            }

            private boolean before(int p, long c, int q, long d) {
                if (c != d) {
                    return c > d;
                }
                if (pairLeft[p] != pairLeft[q]) {
                    return pairLeft[p] < pairLeft[q];
                }
                return pairRight[p] < pairRight[q];
            }
        }
    }

    /** Open-addressing map from a packed (left, right) pair to its index. */
    private static final class PairIndex {
        private long[] keys = new long[1 << 17];
        private int[] values = new int[1 << 17];
        private int size;

        PairIndex() {
            Arrays.fill(values, -1);
        }

        int get(long key) {
            int mask = keys.length - 1;
            int i = mix(key) & mask;
            while (values[i] >= 0) {
                if (keys[i] == key) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return -1;
        }

        void put(long key, int value) {
            if (size * 2 >= keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = mix(key) & mask;
            while (values[i] >= 0) {
                if (keys[i] == key) {
                    values[i] = value;
                    return;
                }
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
            size++;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldValues.length * 2];
            Arrays.fill(values, -1);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] >= 0) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 31));
        }
    }

    /** Byte array with value equality, for the bytes → token map. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
