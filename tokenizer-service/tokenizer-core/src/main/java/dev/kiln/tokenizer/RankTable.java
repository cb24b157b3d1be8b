package dev.kiln.tokenizer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The mergeable tokens of a BPE vocabulary: byte sequence → (merge rank, token id), and id → bytes.
 *
 * <p>For tiktoken files rank and id are the same number. Hugging Face files keep them apart: the
 * id comes from the vocab, the rank (merge priority) from the position of the merge that creates
 * the token, so a file whose ids are not in merge order still merges in the right order.
 *
 * <p>The map is an open-addressing table laid out as one {@code long[]} with three longs per slot
 * (first eight bytes, length+pool offset, rank+id), so a hit costs one cache line and no allocation.
 * Keys are looked up straight from the caller's buffer, which must have {@link #PADDING} readable
 * bytes after the key (the first eight bytes are read as one little-endian long and masked).
 */
public final class RankTable {
    /** Readable bytes callers must provide after any key they look up. */
    static final int PADDING = 8;
    /** Returned by {@link #lookup} for a byte sequence that is not a token. */
    static final long MISSING = Long.MAX_VALUE;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int STRIDE = 3;

    private final long[] slots;
    private final int mask;
    private final byte[] pool;
    /** id → offset in pool, or -1 when the id is not a mergeable token. */
    private final int[] idOffset;

    private final int[] idLength;
    private final int[] idRank;
    private final int size;
    private final int maxRank;
    /**
     * Values of all two-byte tokens, indexed by the two bytes: most lookups during merging are of byte
     * pairs, and a 512 KiB array that stays in cache beats hashing into the big table.
     */
    private final long[] twoBytes;

    private RankTable(
            long[] slots,
            int mask,
            byte[] pool,
            int[] idOffset,
            int[] idLength,
            int[] idRank,
            int size,
            int maxRank,
            long[] twoBytes) {
        this.twoBytes = twoBytes;
        this.slots = slots;
        this.mask = mask;
        this.pool = pool;
        this.idOffset = idOffset;
        this.idLength = idLength;
        this.idRank = idRank;
        this.size = size;
        this.maxRank = maxRank;
    }

    /** Number of tokens. */
    public int size() {
        return size;
    }

    /** Largest id plus one (ids may have gaps). */
    public int idLimit() {
        return idOffset.length;
    }

    public int maxRank() {
        return maxRank;
    }

    /** True if id is a mergeable token of this table. */
    public boolean containsId(int id) {
        return id >= 0 && id < idOffset.length && idOffset[id] >= 0;
    }

    /** The bytes of a token id (a copy). */
    public byte[] bytes(int id) {
        if (!containsId(id)) {
            throw new IllegalArgumentException("no token with id " + id);
        }
        return Arrays.copyOfRange(pool, idOffset[id], idOffset[id] + idLength[id]);
    }

    public int rankOfId(int id) {
        if (!containsId(id)) {
            throw new IllegalArgumentException("no token with id " + id);
        }
        return idRank[id];
    }

    /** Length in bytes of a token id, or -1 if the id is not in the table. */
    int lengthOf(int id) {
        return id >= 0 && id < idOffset.length && idOffset[id] >= 0 ? idLength[id] : -1;
    }

    /** Copies the bytes of id to dst at pos and returns the new position. */
    int copyBytes(int id, byte[] dst, int pos) {
        int len = idLength[id];
        System.arraycopy(pool, idOffset[id], dst, pos, len);
        return pos + len;
    }

    /** Id of the token with exactly these bytes, or -1. */
    public int idOf(byte[] bytes) {
        byte[] padded = Arrays.copyOf(bytes, bytes.length + PADDING);
        long v = lookup(padded, 0, bytes.length);
        return v == MISSING ? -1 : id(v);
    }

    static int rank(long value) {
        return (int) (value >>> 32);
    }

    static int id(long value) {
        return (int) value;
    }

    /**
     * Looks up buf[off, off+len) and returns {@code rank << 32 | id}, or {@link #MISSING}. Comparing two
     * returned values compares their ranks (equal ranks mean equal bytes, hence equal ids).
     */
    long lookup(byte[] buf, int off, int len) {
        if (len == 2) {
            return twoBytes[((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF)];
        }
        long head = head(buf, off, len);
        long meta0 = len;
        int slot = (int) hash(head, buf, off, len) & mask;
        long[] s = slots;
        while (true) {
            int base = slot * STRIDE;
            long meta = s[base + 1];
            if (meta == 0) {
                return MISSING;
            }
            if (s[base] == head && (meta & 0xFFFF) == meta0 && (len <= 8 || tailEquals(meta, buf, off, len))) {
                return s[base + 2];
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean tailEquals(long meta, byte[] buf, int off, int len) {
        int poolOff = (int) (meta >>> 16);
        return Arrays.equals(pool, poolOff + 8, poolOff + len, buf, off + 8, off + len);
    }

    private static long head(byte[] buf, int off, int len) {
        long word = (long) LONG.get(buf, off);
        return len >= 8 ? word : word & ((1L << (len << 3)) - 1);
    }

    private static long hash(long head, byte[] buf, int off, int len) {
        long h = head * 0x9E3779B97F4A7C15L;
        if (len > 8) {
            h ^= ((long) LONG.get(buf, off + len - 8)) * 0xC2B2AE3D27D4EB4FL;
        }
        h ^= len;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 32);
    }

    /** Collects tokens; later additions of the same bytes or the same id are rejected. */
    public static final class Builder {
        private byte[][] tokens = new byte[1024][];
        private int[] ranks = new int[1024];
        private int[] ids = new int[1024];
        private int count;

        public Builder add(byte[] bytes, int rank, int id) {
            if (bytes.length == 0 || bytes.length > 0xFFFF) {
                throw new IllegalArgumentException("token length must be 1..65535 bytes, was " + bytes.length);
            }
            if (rank < 0 || id < 0) {
                throw new IllegalArgumentException("rank and id must be non-negative");
            }
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, count * 2);
                ranks = Arrays.copyOf(ranks, count * 2);
                ids = Arrays.copyOf(ids, count * 2);
            }
            tokens[count] = bytes;
            ranks[count] = rank;
            ids[count] = id;
            count++;
            return this;
        }

        public int size() {
            return count;
        }

        public RankTable build() {
            int capacity = Integer.highestOneBit(Math.max(16, count * 2 - 1)) << 1;
            long[] slots = new long[capacity * STRIDE];
            int mask = capacity - 1;
            long poolSize = PADDING;
            int maxId = -1;
            int maxRank = -1;
            for (int i = 0; i < count; i++) {
                poolSize += tokens[i].length;
                maxId = Math.max(maxId, ids[i]);
                maxRank = Math.max(maxRank, ranks[i]);
            }
            if (poolSize > (1L << 40)) {
                throw new IllegalArgumentException("vocabulary too large");
            }
            byte[] pool = new byte[(int) poolSize];
            int[] idOffset = new int[maxId + 1];
            int[] idLength = new int[maxId + 1];
            int[] idRank = new int[maxId + 1];
            Arrays.fill(idOffset, -1);
            long[] twoBytes = new long[1 << 16];
            Arrays.fill(twoBytes, MISSING);
            int pos = 0;
            for (int i = 0; i < count; i++) {
                byte[] t = tokens[i];
                if (idOffset[ids[i]] >= 0) {
                    throw new IllegalArgumentException("duplicate token id " + ids[i]);
                }
                System.arraycopy(t, 0, pool, pos, t.length);
                long head = head(pool, pos, t.length);
                int slot = (int) hash(head, pool, pos, t.length) & mask;
                while (slots[slot * STRIDE + 1] != 0) {
                    int base = slot * STRIDE;
                    long meta = slots[base + 1];
                    if (slots[base] == head
                            && (meta & 0xFFFF) == t.length
                            && Arrays.equals(
                                    pool, (int) (meta >>> 16), (int) (meta >>> 16) + t.length, t, 0, t.length)) {
                        throw new IllegalArgumentException(
                                "duplicate token bytes for ids " + id(slots[base + 2]) + " and " + ids[i]);
                    }
                    slot = (slot + 1) & mask;
                }
                int base = slot * STRIDE;
                slots[base] = head;
                slots[base + 1] = ((long) pos << 16) | t.length;
                slots[base + 2] = ((long) ranks[i] << 32) | ids[i];
                if (t.length == 2) {
                    twoBytes[((t[0] & 0xFF) << 8) | (t[1] & 0xFF)] = slots[base + 2];
                }
                idOffset[ids[i]] = pos;
                idLength[ids[i]] = t.length;
                idRank[ids[i]] = ranks[i];
                pos += t.length;
            }
            return new RankTable(slots, mask, pool, idOffset, idLength, idRank, count, maxRank, twoBytes);
        }
    }
}
