package dev.kiln.trainer;

/** A read-only sequence of tokens that batches are cut from: an array, or a memory-mapped shard. */
public interface TokenSource {
    long size();

    /** Copies tokens [start, start + len) into dst[off ..]. */
    void read(long start, int[] dst, int off, int len);

    static TokenSource of(int[] tokens) {
        return new TokenSource() {
            @Override
            public long size() {
                return tokens.length;
            }

            @Override
            public void read(long start, int[] dst, int off, int len) {
                System.arraycopy(tokens, Math.toIntExact(start), dst, off, len);
            }
        };
    }
}
