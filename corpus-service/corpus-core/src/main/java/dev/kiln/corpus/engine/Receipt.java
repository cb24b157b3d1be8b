package dev.kiln.corpus.engine;

/**
 * Follows one document from the pipeline to the shards topic. The source of the document (a Kafka
 * offset, an ingest call) learns from it when the document is safe: dropped with a reason, or on
 * the topic in a shard whose transaction the broker committed.
 */
public interface Receipt {

    /** The pipeline kept the document and it became this many tokens (EOS included). */
    default void tokenized(int tokens) {}

    /** The document is done: dropped, or shipped in a committed shard. */
    void done();

    /** Shipping failed (the broker refused the shard, or tokenizing failed): not done. */
    default void failed(Throwable cause) {}

    Receipt NONE = () -> {};
}
