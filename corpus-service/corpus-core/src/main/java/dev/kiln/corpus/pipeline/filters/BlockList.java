package dev.kiln.corpus.pipeline.filters;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of block list entries (domains or URLs), each tagged with the category it came from.
 *
 * <p>Hand-written rather than a {@code HashMap<String, String>}: UT1's adult category alone holds
 * about 4.6 million domains, which as Java strings in a hash map take over half a gigabyte of heap.
 * Here an entry is its 64-bit FarmHash fingerprint in an open-addressing table plus one category byte
 * (about 15 bytes per entry at the load factor used), looked up without allocating. Two different
 * names share a fingerprint with probability ~n²/2⁶⁵ (about 6·10⁻⁷ for 4.6 M entries), so a false
 * block is practically impossible.
 */
final class BlockList {
    private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();
    private static final int MAX_CATEGORIES = 255;

    private final List<String> categories = new ArrayList<>();
    private long[] keys = new long[1 << 10]; // 0 = empty
    private byte[] cats = new byte[1 << 10]; // category index + 1
    private int size;

    /** The index to tag entries of {@code category} with, registering it on first use. */
    int category(String category) {
        int i = categories.indexOf(category);
        if (i >= 0) return i;
        if (categories.size() == MAX_CATEGORIES)
            throw new IllegalArgumentException("more than " + MAX_CATEGORIES + " block list categories");
        categories.add(category);
        return categories.size() - 1;
    }

    /** Adds an entry; an entry already present keeps its first category. */
    void add(String entry, int category) {
        if ((size + 1) * 10L > keys.length * 6L) grow();
        if (insert(keys, cats, fingerprint(entry), (byte) (category + 1))) size++;
    }

    /** The category of an entry, or null when it is not listed. */
    String categoryOf(String entry) {
        long k = fingerprint(entry);
        int mask = keys.length - 1;
        for (int i = slot(k, mask); ; i = (i + 1) & mask) {
            long at = keys[i];
            if (at == 0) return null;
            if (at == k) return categories.get((cats[i] & 0xFF) - 1);
        }
    }

    int size() {
        return size;
    }

    private static long fingerprint(String s) {
        long k = FINGERPRINT.hashUnencodedChars(s).asLong();
        return k == 0 ? 1 : k;
    }

    private static int slot(long k, int mask) {
        return (int) (k ^ (k >>> 32)) & mask;
    }

    private static boolean insert(long[] keys, byte[] cats, long k, byte cat) {
        int mask = keys.length - 1;
        for (int i = slot(k, mask); ; i = (i + 1) & mask) {
            if (keys[i] == k) return false;
            if (keys[i] == 0) {
                keys[i] = k;
                cats[i] = cat;
                return true;
            }
        }
    }

    private void grow() {
        long[] nk = new long[keys.length * 2];
        byte[] nc = new byte[nk.length];
        for (int i = 0; i < keys.length; i++) if (keys[i] != 0) insert(nk, nc, keys[i], cats[i]);
        keys = nk;
        cats = nc;
    }
}
