package dev.kiln.trainer.data;

import dev.kiln.trainer.Batch;
import dev.kiln.trainer.Rng;
import java.util.HashMap;
import java.util.Map;

/**
 * Cuts a token stream into batches of B windows of T+1 tokens, as llm.c's data loader does, in an
 * order the run's seed sets. Windows that follow each other in the stream share one token (the last
 * target of a window is the first input of the next), so every token is a target exactly once per
 * pass, shuffled or not.
 *
 * <p>The stream is read a buffer of {@code bufferBatches} batches at a time, and the buffer's
 * windows are served in a permutation drawn from the seed and the buffer's index (llm.c permutes
 * the samples within a shard the same way). Since the order depends on nothing else, a checkpoint
 * records the stream's position where the buffer started, the buffer's index and how many of its
 * windows were served; a resumed run re-reads that buffer and continues the same permutation,
 * nothing skipped, nothing repeated. One batch per buffer reads strictly in sequence.
 */
public final class WindowBatcher {

    private static final String CARRY = "batcher.carry";
    private static final String BUFFER = "batcher.buffer";
    private static final String SERVED = "batcher.served";

    private final TokenStream source;
    private final int batchSize;
    private final int context;
    private final int bufferBatches;
    private final long seed;

    /** The token carried into the next buffer (its first input), or -1 before the first read. */
    private int carry;
    /** Index of the buffer being served, -1 before the first. */
    private long buffer;
    /** Windows of the current buffer already served. */
    private int served;
    /** What {@link #position()} reports: the stream and carry where the current buffer started. */
    private Map<String, Long> bufferStart;

    private int[] tokens = new int[0];
    private int[] order = new int[0];

    /**
     * @param resumeFrom a checkpoint's position (from {@link #position()}), or empty for a new run;
     *     {@code source} must start where that position says
     */
    public WindowBatcher(
            TokenStream source, int batchSize, int context, int bufferBatches, long seed, Map<String, Long> resumeFrom)
            throws InterruptedException {
        if (bufferBatches < 1) {
            throw new IllegalArgumentException("bufferBatches must be at least 1, got " + bufferBatches);
        }
        this.source = source;
        this.batchSize = batchSize;
        this.context = context;
        this.bufferBatches = bufferBatches;
        this.seed = seed;
        this.carry = resumeFrom.containsKey(CARRY) ? resumeFrom.get(CARRY).intValue() : -1;
        this.buffer = resumeFrom.getOrDefault(BUFFER, -1L);
        int resumeServed = resumeFrom.getOrDefault(SERVED, 0L).intValue();
        this.bufferStart = position(source.position(), carry, buffer, 0);
        if (buffer >= 0) {
            // Re-read the buffer the checkpoint was taken in and skip what it had served.
            buffer--;
            fill();
            served = resumeServed;
        }
    }

    public Batch next() throws InterruptedException {
        int windows = batchSize * bufferBatches;
        if (buffer < 0 || served == windows) {
            fill();
        }
        int n = batchSize * context;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        for (int b = 0; b < batchSize; b++) {
            int start = order[served++] * context;
            System.arraycopy(tokens, start, inputs, b * context, context);
            System.arraycopy(tokens, start + 1, targets, b * context, context);
        }
        return new Batch(inputs, targets, batchSize, context);
    }

    /** Where a resumed run continues: the stream where the current buffer started, plus its state. */
    public Map<String, Long> position() {
        Map<String, Long> position = new HashMap<>(bufferStart);
        position.put(SERVED, (long) served);
        return position;
    }

    private void fill() throws InterruptedException {
        int windows = batchSize * bufferBatches;
        int n = windows * context;
        bufferStart = position(source.position(), carry, buffer + 1, 0);
        if (tokens.length != n + 1) {
            tokens = new int[n + 1];
        }
        if (carry < 0) {
            source.read(tokens, 0, n + 1);
        } else {
            tokens[0] = carry;
            source.read(tokens, 1, n);
        }
        carry = tokens[n];
        buffer++;
        served = 0;
        order = permutation(windows, buffer);
    }

    /** Fisher-Yates from a generator seeded by the run's seed and the buffer's index. */
    private int[] permutation(int windows, long bufferIndex) {
        int[] p = new int[windows];
        for (int i = 0; i < windows; i++) {
            p[i] = i;
        }
        if (bufferBatches == 1) {
            return p;
        }
        Rng rng = new Rng(seed ^ (0x9E3779B97F4A7C15L * (bufferIndex + 1)));
        for (int i = windows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static Map<String, Long> position(Map<String, Long> stream, int carry, long buffer, int served) {
        Map<String, Long> position = new HashMap<>(stream);
        position.put(CARRY, (long) carry);
        position.put(BUFFER, buffer);
        position.put(SERVED, (long) served);
        return position;
    }
}
