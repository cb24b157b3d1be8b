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

    /** B windows of T+1 tokens starting at the given offsets of a token source. */
    public static Batch fromWindows(TokenSource tokens, long[] starts, int T) {
        int B = starts.length;
        int[] in = new int[B * T], tg = new int[B * T], window = new int[T + 1];
        for (int b = 0; b < B; b++) {
            long s = starts[b];
            if (s < 0 || s + T + 1 > tokens.size()) {
                throw new IllegalArgumentException("window at " + s + " runs past " + tokens.size() + " tokens");
            }
            tokens.read(s, window, 0, T + 1);
            System.arraycopy(window, 0, in, b * T, T);
            System.arraycopy(window, 1, tg, b * T, T);
        }
        return new Batch(in, tg, B, T);
    }

    /** B windows at uniformly random offsets of a token source (e.g. a mapped llm.c shard). */
    public static Batch sample(TokenSource tokens, Rng rng, int B, int T) {
        long span = tokens.size() - T;
        if (span < 1) {
            throw new IllegalArgumentException("need at least T+1 = " + (T + 1) + " tokens, have " + tokens.size());
        }
        long[] starts = new long[B];
        for (int b = 0; b < B; b++) {
            starts[b] = Math.floorMod(rng.nextLong(), span);
        }
        return fromWindows(tokens, starts, T);
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
