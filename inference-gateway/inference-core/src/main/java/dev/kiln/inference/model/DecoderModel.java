package dev.kiln.inference.model;

/**
 * A causal language model that decodes with a key/value cache. The seam between the scheduler
 * and the runtime: {@link OrtDecoderModel} is the implementation that serves bundles.
 */
public interface DecoderModel extends AutoCloseable {

    ModelShape shape();

    /** The execution provider actually in use. */
    Provider provider();

    /** A new, empty batch of at most {@code maxBatch} sequences. Used by one thread. */
    DecodeBatch newBatch(int maxBatch);

    @Override
    void close();

    enum Provider {
        CPU,
        CUDA
    }
}
