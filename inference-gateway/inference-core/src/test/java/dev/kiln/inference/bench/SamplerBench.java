package dev.kiln.inference.bench;

import dev.kiln.inference.sampling.ExactSortSampler;
import dev.kiln.inference.sampling.Sampler;
import dev.kiln.inference.sampling.SamplingParams;
import java.util.Arrays;
import java.util.Random;

/**
 * Sampling cost per token at a Llama 3 vocabulary (128,256): the partial-selection {@link Sampler}
 * against the full-sort {@link ExactSortSampler} it replaced, interleaved in the same JVM, on
 * Gaussian logits of two spreads (σ 3 is peaked like a trained model's; σ 1 is flat, so the
 * top-p 0.9 nucleus holds most of the vocabulary: the worst case). Prints the median µs/token.
 *
 * <p>Run through {@code bench/gateway.sh sampling}.
 */
public final class SamplerBench {
    static final int VOCAB = 128_256;

    public static void main(String[] args) {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        SamplingParams[] configs = {
            new SamplingParams(1f, 0, 0.9f, 0f, 1f, 1),
            new SamplingParams(0.7f, 50, 0.9f, 0f, 1f, 1),
            new SamplingParams(1f, 0, 1f, 0.05f, 1f, 1),
            new SamplingParams(1f, 0, 1f, 0f, 1f, 1),
        };
        String[] names = {"top-p 0.9", "top-k 50 + top-p 0.9, T 0.7", "min-p 0.05", "plain T 1"};
        System.out.printf("%-30s %6s %14s %14s %8s%n", "filter", "σ", "full sort µs", "partial µs", "speedup");
        for (double sigma : new double[] {3, 1}) {
            float[][] logits = new float[16][VOCAB];
            Random r = new Random(7);
            for (float[] l : logits) {
                for (int i = 0; i < VOCAB; i++) {
                    l[i] = (float) (r.nextGaussian() * sigma);
                }
            }
            for (int c = 0; c < configs.length; c++) {
                double[] exact = new double[5], fast = new double[5];
                for (int round = 0; round < 5; round++) { // interleaved; round 0 warms up
                    exact[round] = time(new ExactSortSampler(configs[c], VOCAB)::next, logits, tokens);
                    fast[round] = time(new Sampler(configs[c], VOCAB)::next, logits, tokens);
                }
                double e = median(Arrays.copyOfRange(exact, 1, 5)), f = median(Arrays.copyOfRange(fast, 1, 5));
                System.out.printf("%-30s %6.0f %14.0f %14.0f %7.1fx%n", names[c], sigma, e, f, e / f);
            }
        }
    }

    interface Next {
        int next(float[] logits, int offset);
    }

    /** µs per token. */
    static double time(Next s, float[][] logits, int tokens) {
        long sink = 0, t0 = System.nanoTime();
        for (int i = 0; i < tokens; i++) {
            sink += s.next(logits[i % logits.length], 0);
        }
        double us = (System.nanoTime() - t0) / 1e3 / tokens;
        if (sink == Long.MIN_VALUE) {
            System.out.print("");
        }
        return us;
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return (s[s.length / 2] + s[(s.length - 1) / 2]) / 2;
    }
}
