package dev.kiln.trainer.data;

import java.util.Map;

/**
 * A resumable, ordered stream of training tokens, read shard after shard. Its position is a flat
 * map (stored inside each checkpoint) from which a stream of the same kind continues exactly where
 * the checkpoint left off: nothing skipped, nothing repeated. (Not to be confused with
 * {@link dev.kiln.trainer.TokenSource}, a random-access array of tokens that batches are sampled
 * from.)
 */
public interface TokenStream extends AutoCloseable {

    /**
     * Fills {@code dst[off, off+n)} with the next tokens, blocking until they exist.
     *
     * @throws DataUnavailableException when no data arrives within the stream's wait limit
     */
    void read(int[] dst, int off, int n) throws InterruptedException;

    /** The position after the last token read, for a checkpoint. */
    Map<String, Long> position();

    /** Held-out tokens for validation (empty when the stream has none yet). */
    int[] validationTokens();

    @Override
    void close();

    /** No training data arrived in time. */
    final class DataUnavailableException extends RuntimeException {
        public DataUnavailableException(String message) {
            super(message);
        }
    }
}
