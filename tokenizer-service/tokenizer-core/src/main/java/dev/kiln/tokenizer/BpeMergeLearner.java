package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge phase of {@link BpeTrainer}: from distinct words and their counts to the ranked
 * merges. Pair counts over all words live in a table updated incrementally (only words holding
 * the merged pair are touched, through an index from pair to words); the best pair comes from a
 * max-heap with lazy re-insertion, since existing pairs' counts only fall; ties go to the smaller
 * (left id, right id), so the result depends on the text only.
 */
final class BpeMergeLearner {
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

    BpeMergeLearner(Map<String, long[]> counted, int targetTokens, long minFrequency) {
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
