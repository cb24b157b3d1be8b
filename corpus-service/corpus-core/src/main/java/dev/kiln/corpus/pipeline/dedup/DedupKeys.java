package dev.kiln.corpus.pipeline.dedup;

/**
 * The keys one dedup step claims for one document: the exact-text hash, or the MinHash band keys.
 * {@code document} names this delivery of the document stably (a Kafka record's topic, partition and
 * offset), so a replay after a crash claims as the same document; {@code kind} keeps exact hashes and
 * band keys apart in the shared index.
 */
public record DedupKeys(Kind kind, String document, long[] keys) {

    public enum Kind {
        EXACT((byte) 'x'),
        BAND((byte) 'b');

        private final byte tag;

        Kind(byte tag) {
            this.tag = tag;
        }

        public byte tag() {
            return tag;
        }

        /** The kind whose {@link #tag} is {@code tag}. */
        public static Kind of(byte tag) {
            for (Kind kind : values()) {
                if (kind.tag == tag) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no dedup key kind with tag " + tag);
        }
    }

    /** The index's key of {@code keys[i]}: the kind's tag, then the 64-bit key big-endian (9 bytes). */
    public byte[] indexKey(int i) {
        return indexKey(kind, keys[i]);
    }

    /** The index's key of {@code key} of {@code kind}: the kind's tag, then the key big-endian. */
    public static byte[] indexKey(Kind kind, long key) {
        byte[] out = new byte[9];
        out[0] = kind.tag;
        long v = key;
        for (int b = 8; b >= 1; b--) {
            out[b] = (byte) v;
            v >>>= 8;
        }
        return out;
    }
}
