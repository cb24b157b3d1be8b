package dev.kiln.inference.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;

/**
 * Which positions a decoder graph's logits output holds. The Optimum convention gives every
 * position, [batch, seq, vocab]; other exports give only the last, [batch, 1, vocab] or
 * [batch, vocab]: those that slice the hidden state before the LM head (the model builder of ONNX
 * Runtime GenAI with some options, hand-optimised graphs) and those that take transformers'
 * {@code logits_to_keep}, which the gateway feeds 1. The gateway samples from the last position
 * only, so either serves; what matters is where that position lies in the buffer it binds.
 *
 * <p>The declared shape decides at load where it can: rank 2, or a fixed 1 in the middle, means
 * the last position only; a rank or fixed size the gateway cannot read is refused then. A symbolic
 * middle dimension may mean either (an export names it as it likes, often "sequence_length" for
 * both), and a graph may declare no shape at all: then the first result of a call over several
 * positions tells, and the calls after it bind their output buffer with the shape it showed.
 * Shared by the batches of one model; the state only goes from unknown to known, and two batches
 * learning it at once learn the same thing.
 */
final class LogitsOutput {
    private final String name;
    private final int vocab;
    private final boolean float16;
    /** 2 or 3; 0 while unknown (the graph declares no shape). */
    private volatile int rank;
    /** Whether only the last position comes out; null while unknown. */
    private volatile Boolean lastOnly;

    private LogitsOutput(String name, int vocab, boolean float16, int rank, Boolean lastOnly) {
        this.name = name;
        this.vocab = vocab;
        this.float16 = float16;
        this.rank = rank;
        this.lastOnly = lastOnly;
    }

    /**
     * Reads the declared shape of output {@code name}; a symbolic vocabulary dimension takes
     * config.json's vocab_size.
     *
     * @throws InvalidBundleException when the shape or type cannot be served, naming the output and its shape
     */
    static LogitsOutput declared(String name, TensorInfo info, int configVocab) {
        if (info.type != OnnxJavaType.FLOAT && info.type != OnnxJavaType.FLOAT16) {
            throw new InvalidBundleException("logits must be float32 or float16, are " + info.type);
        }
        boolean half = info.type == OnnxJavaType.FLOAT16;
        long[] d = info.getShape();
        if (d.length == 0) {
            return new LogitsOutput(name, configVocab, half, 0, null);
        }
        boolean fixedBatch = d[0] >= 0, noVocab = d[d.length - 1] == 0;
        if ((d.length != 2 && d.length != 3) || fixedBatch || noVocab || (d.length == 3 && d[1] >= 0 && d[1] != 1)) {
            throw unusable(name, info);
        }
        int vocab = d[d.length - 1] > 0 ? Math.toIntExact(d[d.length - 1]) : configVocab;
        Boolean last = d.length == 2 || d[1] == 1 ? Boolean.TRUE : null;
        return new LogitsOutput(name, vocab, half, d.length, last);
    }

    private static InvalidBundleException unusable(String name, TensorInfo info) {
        return new InvalidBundleException("the graph's output '" + name + "' has shape " + describe(info)
                + ": the gateway reads [batch, sequence, vocab] (every position) or [batch, 1, vocab] / "
                + "[batch, vocab] (the last position only), with a dynamic batch");
    }

    /** The declared shape with symbolic dimensions by name, e.g. [batch_size, sequence_length, 1, 50257]. */
    static String describe(TensorInfo info) {
        long[] d = info.getShape();
        String[] names = info.getDimensionNames();
        String[] out = new String[d.length];
        for (int i = 0; i < d.length; i++) {
            boolean named = names != null && i < names.length && names[i] != null && !names[i].isEmpty();
            out[i] = d[i] >= 0 ? Long.toString(d[i]) : named ? names[i] : "?";
        }
        return "[" + String.join(", ", out) + "]";
    }

    String name() {
        return name;
    }

    int vocab() {
        return vocab;
    }

    boolean float16() {
        return float16;
    }

    int bytesPerLogit() {
        return float16 ? 2 : 4;
    }

    /** Whether a call over {@code positions} positions can bind its output buffer: its shape is known. */
    boolean known(int positions) {
        return rank != 0 && (positions == 1 || lastOnly != null);
    }

    /** Positions per row a call over {@code positions} writes (once {@link #known}); the last is the one sampled. */
    int positionsOut(int positions) {
        return positions == 1 || Boolean.TRUE.equals(lastOnly) ? 1 : positions;
    }

    /** Whether calls write the last position only, whatever their length; false while unknown. */
    boolean lastOnly() {
        return Boolean.TRUE.equals(lastOnly);
    }

    /** The shape to bind for a call of {@code rows} rows over {@code positions} positions (once {@link #known}). */
    long[] shape(int rows, int positions) {
        return rank == 2 ? new long[] {rows, vocab} : new long[] {rows, positionsOut(positions), vocab};
    }

    /**
     * Learns the layout from a result the graph allocated itself, after checking it against the
     * call and what was known before.
     *
     * @throws IllegalStateException when the result is no layout the gateway reads
     */
    void learn(long[] actual, int rows, int positions) {
        boolean ok = actual.length == 2 || actual.length == 3;
        ok = ok && actual[0] == rows && actual[actual.length - 1] == vocab;
        ok = ok && (rank == 0 || rank == actual.length);
        int got = actual.length == 3 ? (int) actual[1] : 1;
        ok = ok && (got == 1 || got == positions);
        boolean last = got == 1 && positions > 1;
        ok = ok && (positions == 1 || lastOnly == null || lastOnly == last);
        if (!ok) {
            throw new IllegalStateException("the graph's output '" + name + "' came out " + Arrays.toString(actual)
                    + " for " + rows + " rows of " + positions + " positions with a vocabulary of " + vocab
                    + "; the gateway reads [rows, positions, vocab], [rows, 1, vocab] or [rows, vocab]");
        }
        rank = actual.length;
        if (positions > 1 || actual.length == 2) {
            lastOnly = actual.length == 2 || last;
        }
    }
}
