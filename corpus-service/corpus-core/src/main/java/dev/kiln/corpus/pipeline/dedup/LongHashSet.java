package dev.kiln.corpus.pipeline.dedup;

/**
 * Open-addressing set of 64-bit keys in one {@code long[]} (8 bytes a slot, load ≤ 0.75, doubling):
 * 10.7–21.3 bytes per key instead of ~50 for a {@code HashSet<Long>}. Key 0 is remapped (0 marks empty).
 * Not thread-safe; callers synchronise.
 */
final class LongHashSet {
    private long[] table;
    private int size;
    private int mask;

    LongHashSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, (int) (expected / 0.75f) + 1) - 1) << 1;
        table = new long[cap];
        mask = cap - 1;
    }

    private static long fix(long k) {
        return k == 0 ? 0x5DEECE66DL : k;
    }

    private static int spread(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return (int) k;
    }

    boolean contains(long key) {
        key = fix(key);
        int i = spread(key) & mask;
        while (true) {
            long v = table[i];
            if (v == 0) return false;
            if (v == key) return true;
            i = (i + 1) & mask;
        }
    }

    /** @return true when newly added */
    boolean add(long key) {
        key = fix(key);
        int i = spread(key) & mask;
        while (true) {
            long v = table[i];
            if (v == 0) break;
            if (v == key) return false;
            i = (i + 1) & mask;
        }
        table[i] = key;
        if (++size > table.length * 0.75) grow();
        return true;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        mask = table.length - 1;
        for (long v : old) {
            if (v == 0) continue;
            int i = spread(v) & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            table[i] = v;
        }
    }

    int size() {
        return size;
    }

    long memoryBytes() {
        return (long) table.length * 8 + 32;
    }
}
