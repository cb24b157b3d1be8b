package dev.kiln.inference.model;

/**
 * The sequences decoding together, each with its own key/value cache, advanced by one model
 * call per {@link #step}. Rows are numbered 0..size-1 in the order they joined; removing rows
 * keeps the order of the others. Not thread-safe: the scheduler thread owns it.
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
     * Runs several prompts of the same length in one call (empty past); row r's next-token logits
     * go to {@code logits[r * vocab ..]}. Rows are then added with {@link #appendPrefilled(int)}.
     */
    default void prefill(int[][] prompts, float[] logits) {
        prefill(prompts, 0, prompts[0].length, logits);
    }

    /**
     * Chunked prefill: runs positions {@code [from, to)} of prompts of one length on top of the
     * cache the previous chunk left ({@code from == 0} starts afresh; otherwise {@code from} is
     * where the previous chunk of the same prompts ended). Only the chunk that reaches the end of
     * the prompts writes logits (row r's at {@code logits[r * vocab ..]}) and makes the rows ready
     * for {@link #appendPrefilled(int)}. Only the last position of each prompt is ever copied out.
     */
    void prefill(int[][] prompts, int from, int to, float[] logits);

    /** Adds row {@code row} of the last prefill as the new last row of the batch. */
    void appendPrefilled(int row);

    /** How many prompts of this length one prefill call may take. */
    int prefillRows(int length);

    /**
     * One decode step for all rows: feeds {@code tokens[row]} to each row and writes its
     * next-token logits to {@code logits[row * vocab ..]}.
     */
    void step(int[] tokens, float[] logits);

    /** Keeps only the rows whose flag is true. */
    void retain(boolean[] keep);

    /** Tokens in the cache of a row (prompt + fed tokens). */
    int length(int row);

    @Override
    void close();
}
