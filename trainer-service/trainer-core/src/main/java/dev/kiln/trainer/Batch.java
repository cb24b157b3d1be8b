package dev.kiln.trainer;

/** One micro-batch: inputs[B,T] and next-token targets[B,T], row-major. */
public record Batch(int[] inputs, int[] targets, int B, int T) {

    public Batch {
        if (inputs.length != B * T || targets.length != B * T) {
            throw new IllegalArgumentException("inputs and targets must hold B*T tokens");
        }
    }

    /** B windows of T+1 tokens starting at the given offsets of a token stream. */
    public static Batch fromWindows(int[] tokens, int[] starts, int T) {
        int B = starts.length;
        int[] in = new int[B * T], tg = new int[B * T];
        for (int b = 0; b < B; b++) {
            int s = starts[b];
            if (s < 0 || s + T + 1 > tokens.length) {
                throw new IllegalArgumentException("window at " + s + " runs past " + tokens.length + " tokens");
            }
            System.arraycopy(tokens, s, in, b * T, T);
            System.arraycopy(tokens, s + 1, tg, b * T, T);
        }
        return new Batch(in, tg, B, T);
    }

    /** B windows at uniformly random offsets drawn from rng. */
    public static Batch sample(int[] tokens, Rng rng, int B, int T) {
        if (tokens.length < T + 1) {
            throw new IllegalArgumentException("need at least T+1 = " + (T + 1) + " tokens, have " + tokens.length);
        }
        int[] starts = new int[B];
        for (int b = 0; b < B; b++) {
            starts[b] = rng.nextInt(tokens.length - T);
        }
        return fromWindows(tokens, starts, T);
    }
}
