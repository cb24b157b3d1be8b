package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PyText;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The repetition counters shared by the Gopher and FineWeb filters (lengths in code points). */
final class Duplicates {
    private Duplicates() { }

    /** datatrove find_duplicates: (number of repeated elements, their total length). */
    static long[] find(List<String> xs) {
        Set<String> seen = new HashSet<>(xs.size() * 2);
        long elements = 0, chars = 0;
        for (String x : xs) {
            if (!seen.add(x)) { elements++; chars += PyText.len(x); }
        }
        return new long[]{elements, chars};
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

    /**
     * datatrove find_top_duplicate over {@code " ".join(words[i:i+n])}: length × count of the most
     * frequent n-gram (first seen wins ties, as Counter.most_common). 0 when there is no n-gram.
     */
    static long topDuplicate(int[] ids, int[] lens, int n) {
        int count = ids.length - n + 1;
        if (count <= 0) return 0;
        Map<Long, int[]> counter = new HashMap<>(count * 2);
        long bestLen = 0; int bestCount = 0; int bestFirst = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int[] c = counter.computeIfAbsent(key(ids, i, n), k -> new int[2]);
            if (c[0] == 0) c[1] = counter.size();
            c[0]++;
        }
        // recompute best following first-insertion order for ties
        for (int i = 0; i < count; i++) {
            int[] c = counter.get(key(ids, i, n));
            if (c[0] > bestCount || (c[0] == bestCount && c[1] < bestFirst)) {
                bestCount = c[0];
                bestFirst = c[1];
                long len = n - 1;
                for (int j = i; j < i + n; j++) len += lens[j];
                bestLen = len;
            }
        }
        return bestLen * bestCount;
    }

    /** datatrove find_all_duplicate over {@code "".join(words[i:i+n])}: chars of repeated n-grams, skipping ahead. */
    static long allDuplicate(int[] ids, int[] lens, int n) {
        Set<Long> unique = new HashSet<>();
        long repeated = 0;
        int idx = 0;
        while (idx < ids.length - n + 1) {
            long k = key(ids, idx, n);
            if (!unique.add(k)) {
                for (int j = idx; j < idx + n; j++) repeated += lens[j];
                idx += n;
            } else {
                idx += 1;
            }
        }
        return repeated;
    }
}
