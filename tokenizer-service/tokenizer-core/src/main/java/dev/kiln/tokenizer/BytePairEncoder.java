package dev.kiln.tokenizer;

import java.util.Arrays;

/**
 * Merges the bytes of one pre-token into tokens with tiktoken's rule: while some adjacent pair of
 * parts concatenates to a token, merge the pair whose token has the lowest rank (the leftmost one
 * on ties). A piece that is itself a token is emitted whole before any merging, as tiktoken does.
 *
 * <p>Short pieces (almost all of them) use flat arrays chained as a list and a linear minimum search:
 * quadratic in theory, but cache-friendly and allocation-free for the few dozen bytes a word has. Long pieces
 * (a megabyte of one repeated character is a single pre-token) switch to a doubly linked list of
 * parts and a min-heap of candidate merges with lazy invalidation, which is O(n log n) and
 * iterative, so neither time nor stack blows up.
 *
 * <p>Not thread-safe: an instance is scratch space used by one encode call at a time.
 */
final class BytePairEncoder {
    /** Above this many bytes the heap path wins over the flat scan. */
    static final int LINEAR_LIMIT = 128;

    private final RankTable table;
    private final int[] byteIds;

    // scratch for both paths, indexed by part (flat path) or by byte position (heap path)
    private int[] starts = new int[LINEAR_LIMIT + 2];
    private int[] partIds = new int[LINEAR_LIMIT + 2];
    private long[] pairs = new long[LINEAR_LIMIT + 2];
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private final LongMinHeap heap = new LongMinHeap(64);

    // Real text repeats its words, and the merge loop costs a dozen hash lookups per word that is not a
    // token itself; a small direct-mapped cache of recent results skips that. Flat arrays: no allocation.
    private static final int CACHE_SLOTS = 4096;
    private static final int CACHE_MAX_BYTES = 32;
    private static final int CACHE_MAX_IDS = 16;
    private final byte[] cacheKeys = new byte[CACHE_SLOTS * CACHE_MAX_BYTES];
    private final byte[] cacheKeyLength = new byte[CACHE_SLOTS];
    private final int[] cacheIds = new int[CACHE_SLOTS * CACHE_MAX_IDS];
    private final byte[] cacheIdCount = new byte[CACHE_SLOTS];

    BytePairEncoder(RankTable table, int[] byteIds) {
        this.table = table;
        this.byteIds = byteIds;
    }

    /**
     * Appends the ids of piece[0, len) to out. If ends is not null, also appends each token's end
     * offset (in bytes, relative to the piece).
     */
    void encode(byte[] piece, int len, IntList out, IntList ends) {
        if (len == 1) {
            out.add(byteIds[piece[0] & 0xFF]);
            if (ends != null) {
                ends.add(1);
            }
            return;
        }
        long whole = table.lookup(piece, 0, len);
        if (whole != RankTable.MISSING) {
            out.add(RankTable.id(whole));
            if (ends != null) {
                ends.add(len);
            }
            return;
        }
        if (len <= CACHE_MAX_BYTES && ends == null) {
            encodeCached(piece, len, out);
        } else if (len <= LINEAR_LIMIT) {
            mergeFlat(piece, len, out, ends);
        } else {
            mergeWithHeap(piece, len, out, ends);
        }
    }

    private void encodeCached(byte[] piece, int len, IntList out) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = h * 31 + piece[i];
        }
        h ^= h >>> 15;
        int slot = (h * 0x9E3779B1 >>> 20) & (CACHE_SLOTS - 1);
        int keyBase = slot * CACHE_MAX_BYTES;
        int idBase = slot * CACHE_MAX_IDS;
        if (cacheKeyLength[slot] == len && Arrays.equals(cacheKeys, keyBase, keyBase + len, piece, 0, len)) {
            int n = cacheIdCount[slot];
            for (int i = 0; i < n; i++) {
                out.add(cacheIds[idBase + i]);
            }
            return;
        }
        int before = out.size;
        mergeFlat(piece, len, out, null);
        int n = out.size - before;
        if (n <= CACHE_MAX_IDS) {
            System.arraycopy(piece, 0, cacheKeys, keyBase, len);
            cacheKeyLength[slot] = (byte) len;
            System.arraycopy(out.data, before, cacheIds, idBase, n);
            cacheIdCount[slot] = (byte) n;
        }
    }

    private void mergeFlat(byte[] piece, int len, IntList out, IntList ends) {
        // parts are named by their start byte and chained by nx (no shifting on merge); nx[last] == len
        int[] nx = starts;
        int[] ids = partIds;
        long[] pr = pairs;
        RankTable t = table;
        for (int i = 0; i < len; i++) {
            nx[i] = i + 1;
            ids[i] = byteIds[piece[i] & 0xFF];
        }
        for (int i = 0; i < len - 1; i++) {
            pr[i] = t.lookup(piece, i, 2);
        }
        pr[len - 1] = RankTable.MISSING;
        while (true) {
            long best = RankTable.MISSING;
            int at = -1;
            int beforeAt = -1;
            for (int i = 0, prev = -1; i < len; prev = i, i = nx[i]) {
                if (pr[i] < best) {
                    best = pr[i];
                    at = i;
                    beforeAt = prev;
                }
            }
            if (at < 0) {
                break;
            }
            ids[at] = RankTable.id(best);
            int k = nx[nx[at]];
            nx[at] = k;
            pr[at] = k < len ? t.lookup(piece, at, nx[k] - at) : RankTable.MISSING;
            if (beforeAt >= 0) {
                pr[beforeAt] = t.lookup(piece, beforeAt, k - beforeAt);
            }
        }
        for (int i = 0; i < len; i = nx[i]) {
            out.add(ids[i]);
            if (ends != null) {
                ends.add(nx[i]);
            }
        }
    }

    private void mergeWithHeap(byte[] piece, int len, IntList out, IntList ends) {
        ensureHeapArrays(len);
        int[] nx = next;
        int[] pv = prev;
        int[] ids = partIds;
        long[] pr = pairs;
        RankTable t = table;
        LongMinHeap h = heap;
        h.clear();
        // parts are named by their start byte; next[i] is the start of the following part (len at the end)
        for (int i = 0; i < len; i++) {
            nx[i] = i + 1;
            pv[i] = i - 1;
            ids[i] = byteIds[piece[i] & 0xFF];
        }
        for (int i = 0; i < len - 1; i++) {
            long v = t.lookup(piece, i, 2);
            pr[i] = v;
            if (v != RankTable.MISSING) {
                h.addUnordered(entry(v, i));
            }
        }
        pr[len - 1] = RankTable.MISSING;
        h.heapify();
        while (!h.isEmpty()) {
            long e = h.poll();
            int i = (int) e;
            int rank = (int) (e >>> 32);
            long v = pr[i];
            // stale entries: the part was absorbed (pr reset to MISSING) or its right neighbour changed
            if (v == RankTable.MISSING || RankTable.rank(v) != rank) {
                continue;
            }
            int j = nx[i];
            ids[i] = RankTable.id(v);
            int k = nx[j];
            nx[i] = k;
            pr[j] = RankTable.MISSING;
            if (k < len) {
                pv[k] = i;
                long nv = t.lookup(piece, i, nx[k] - i);
                pr[i] = nv;
                if (nv != RankTable.MISSING) {
                    h.add(entry(nv, i));
                }
            } else {
                pr[i] = RankTable.MISSING;
            }
            int p = pv[i];
            if (p >= 0) {
                long nv = t.lookup(piece, p, k - p);
                pr[p] = nv;
                if (nv != RankTable.MISSING) {
                    h.add(entry(nv, p));
                }
            }
        }
        for (int i = 0; i < len; i = nx[i]) {
            out.add(ids[i]);
            if (ends != null) {
                ends.add(nx[i]);
            }
        }
    }

    /** Heap entries order by rank, then by position, which is tiktoken's leftmost tie-break. */
    private static long entry(long value, int position) {
        return ((long) RankTable.rank(value) << 32) | position;
    }

    private void ensureHeapArrays(int len) {
        if (next.length < len + 1) {
            int cap = Math.max(len + 1, next.length * 2);
            next = new int[cap];
            prev = new int[cap];
        }
        if (partIds.length < len + 1) {
            int cap = Math.max(len + 1, partIds.length * 2);
            partIds = new int[cap];
            pairs = new long[cap];
            starts = new int[cap];
        }
    }

    /** Drops scratch arrays a huge piece left behind, so a pooled workspace does not pin megabytes. */
    void trim() {
        if (next.length > (1 << 16)) {
            next = new int[0];
            prev = new int[0];
            partIds = new int[LINEAR_LIMIT + 2];
            pairs = new long[LINEAR_LIMIT + 2];
            starts = new int[LINEAR_LIMIT + 2];
        }
    }
}
