package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PyText;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The repetition counters shared by the Gopher and FineWeb filters (lengths in code points). */
final class Duplicates {
    private Duplicates() {}

    /** datatrove find_duplicates: (number of repeated elements, their total length). */
    static long[] find(List<String> xs) {
        Set<String> seen = new HashSet<>(xs.size() * 2);
        long elements = 0, chars = 0;
        for (String x : xs) {
            if (!seen.add(x)) {
                elements++;
                chars += PyText.len(x);
            }
        }
        return new long[] {elements, chars};
    }

    /** Word ids, so n-grams can be keyed by a 64-bit hash of ids instead of joined strings. */
    static int[] ids(List<String> words, int[] lengthsOut) {
        Map<String, Integer> dict = new HashMap<>();
        int[] ids = new int[words.size()];
        for (int i = 0; i < ids.length; i++) {
            String w = words.get(i);
            ids[i] = dict.computeIfAbsent(w, k -> dict.size());
            lengthsOut[i] = PyText.len(w);
        }
        return ids;
    }

    static long key(int[] ids, int from, int n) {
        long h = 0x9E3779B97F4A7C15L * (n + 1);
        for (int i = from; i < from + n; i++) {
            h = (h ^ ids[i]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h;
    }

    /** Open-addressing long → (count, first-seen order) table, local to one call. */
    private static final class Counter {
        final long[] keys;
        final int[] counts, order;
        final int mask;
        int size;

        Counter(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected) * 2) << 1;
            keys = new long[cap];
            counts = new int[cap];
            order = new int[cap];
            mask = cap - 1;
        }

        /** Adds one occurrence; returns the slot. Key 0 is remapped (0 marks empty). */
        int add(long k) {
            if (k == 0) k = 1;
            int i = (int) (k ^ (k >>> 32)) & mask;
            while (keys[i] != 0 && keys[i] != k) i = (i + 1) & mask;
            if (keys[i] == 0) {
                keys[i] = k;
                order[i] = size++;
            }
            counts[i]++;
            return i;
        }
    }

    /**
     * datatrove find_top_duplicate over {@code " ".join(words[i:i+n])}: length × count of the most
     * frequent n-gram (first seen wins ties, as Counter.most_common). 0 when there is no n-gram.
     */
    static long topDuplicate(int[] ids, int[] lens, int n) {
        int count = ids.length - n + 1;
        if (count <= 0) return 0;
        Counter c = new Counter(count);
        int[] slotOf = new int[count];
        for (int i = 0; i < count; i++) slotOf[i] = c.add(key(ids, i, n));
        int bestCount = 0, bestOrder = Integer.MAX_VALUE, bestAt = 0;
        for (int i = 0; i < count; i++) {
            int s = slotOf[i];
            if (c.counts[s] > bestCount || (c.counts[s] == bestCount && c.order[s] < bestOrder)) {
                bestCount = c.counts[s];
                bestOrder = c.order[s];
                bestAt = i;
            }
        }
        long len = n - 1;
        for (int j = bestAt; j < bestAt + n; j++) len += lens[j];
        return len * bestCount;
    }

    /** datatrove find_all_duplicate over {@code "".join(words[i:i+n])}: chars of repeated n-grams, skipping ahead. */
    static long allDuplicate(int[] ids, int[] lens, int n) {
        int count = ids.length - n + 1;
        if (count <= 0) return 0;
        Counter unique = new Counter(count);
        long repeated = 0;
        int idx = 0;
        while (idx < count) {
            int s = unique.add(key(ids, idx, n));
            if (unique.counts[s] > 1) {
                for (int j = idx; j < idx + n; j++) repeated += lens[j];
                idx += n;
            } else {
                idx += 1;
            }
        }
        return repeated;
    }
}
