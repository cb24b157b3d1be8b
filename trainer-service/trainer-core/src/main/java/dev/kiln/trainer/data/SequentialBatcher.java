package dev.kiln.trainer.data;

import dev.kiln.trainer.Batch;
import java.util.HashMap;
import java.util.Map;

/**
 * Cuts a token stream into batches of B windows of T+1 tokens, as llm.c's data loader: windows
 * follow each other and share one token (the last target of a window is the first input of the
 * next), so every token is a target exactly once per pass.
 */
public final class SequentialBatcher {

    private static final String CARRY = "batcher.carry";

    private final TokenStream source;
    private final int batchSize;
    private final int context;
    private int carry;

    /**
     * @param resumeFrom a checkpoint's position (from {@link #position()}), or empty for a new run
     */
    public SequentialBatcher(TokenStream source, int batchSize, int context, Map<String, Long> resumeFrom) {
        this.source = source;
        this.batchSize = batchSize;
        this.context = context;
        this.carry = resumeFrom.containsKey(CARRY) ? resumeFrom.get(CARRY).intValue() : -1;
    }

    public Batch next() throws InterruptedException {
        int n = batchSize * context;
        int[] stream = new int[n + 1];
        if (carry < 0) {
            source.read(stream, 0, n + 1);
        } else {
            stream[0] = carry;
            source.read(stream, 1, n);
        }
        carry = stream[n];
        int[] inputs = new int[n];
        int[] targets = new int[n];
        System.arraycopy(stream, 0, inputs, 0, n);
        System.arraycopy(stream, 1, targets, 0, n);
        return new Batch(inputs, targets, batchSize, context);
    }

    /** The source's position plus the carried token. */
    public Map<String, Long> position() {
        Map<String, Long> position = new HashMap<>(source.position());
        position.put(CARRY, (long) carry);
        return position;
    }
}
