package dev.kiln.inference.model;

/**
 * The sequences decoding together, each with its own key/value cache, advanced by one model
 * call per {@link #step}. Rows are numbered 0..size-1; a joining row becomes the last, and
 * {@link #retain} says where the kept rows went. Not thread-safe: the scheduler thread owns it.
 */
public interface DecodeBatch extends AutoCloseable {

    int size();

    /**
     * Runs a prompt alone (batch of one, empty past) and keeps its cache ready for
     * {@link #appendPrefilled()}. Writes the next-token logits into {@code logits[0..vocab)}.
     */
    void prefill(int[] prompt, float[] logits);

    /** Adds the last prefilled sequence as the new last row. */
    void appendPrefilled();

    /**
     * Runs several prompts in one call (empty past); row r's next-token logits go to
     * {@code logits[r * vocab ..]}. Rows are then added with {@link #appendPrefilled(int)}.
     */
    default void prefill(int[][] prompts, float[] logits) {
        prefill(prompts, 0, longest(prompts), logits);
    }

    /**
     * Chunked prefill: runs positions {@code [from, to)} of the prompts on top of the cache the
     * previous chunk left ({@code from == 0} starts afresh; otherwise {@code from} is where the
     * previous chunk of the same prompts ended). Prompts of different lengths are left-padded to
     * the longest, whose positions {@code from} and {@code to} count; the padding is masked and
     * never enters the batch's cache. Only the chunk that reaches the end of the prompts writes
     * logits (row r's at {@code logits[r * vocab ..]}) and makes the rows ready for
     * {@link #appendPrefilled(int)}. Only the last position of each prompt is ever copied out.
     */
    void prefill(int[][] prompts, int from, int to, float[] logits);

    static int longest(int[][] prompts) {
        int t = 0;
        for (int[] p : prompts) {
            t = Math.max(t, p.length);
        }
        return t;
    }

    /** Adds row {@code row} of the last prefill as the new last row of the batch. */
    void appendPrefilled(int row);

    /** How many prompts one prefill call may take when the longest has this length. */
    int prefillRows(int length);

    /**
     * One decode step for all rows: feeds {@code tokens[row]} to each row and writes its
     * next-token logits to {@code logits[row * vocab ..]}.
     */
    void step(int[] tokens, float[] logits);

    /**
     * Keeps only the rows whose flag is true. The kept rows may be renumbered (the last rows can
     * move into places freed lower down, so a departure need not copy every other row's cache).
     *
     * @return for each row after the call, the row it was before
     */
    int[] retain(boolean[] keep);

    /** Tokens in the cache of a row (prompt + fed tokens). */
    int length(int row);

    @Override
    void close();
}
