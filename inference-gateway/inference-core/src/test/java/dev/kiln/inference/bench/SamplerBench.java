package dev.kiln.inference.bench;

import dev.kiln.inference.sampling.ExactSortSampler;
import dev.kiln.inference.sampling.Sampler;
import dev.kiln.inference.sampling.SamplingParams;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Sampling cost per token at a Llama 3 vocabulary (128,256): {@link Sampler} (vectorised softmax,
 * no sort) against the full-sort {@link ExactSortSampler} and a plain {@code Math.exp} softmax
 * with no filter and no draw (the floor of any scalar sampler), interleaved in the same JVM, on
 * Gaussian logits of four spreads: σ 3 is peaked like a trained model's; σ 1 is flat, so the
 * top-p 0.9 nucleus holds most of the vocabulary; σ 0.001 puts every token within 1% of the
 * others (the sampler's probability buckets then come down to a few float values each); σ 0
 * ties every token.
 * Prints the median µs/token, wall and (in brackets) the thread's CPU time.
 *
 * <p>A second argument names a baseline sampler class (constructor {@code (SamplingParams, int)},
 * method {@code next(float[], int)}) measured in the same rounds: {@code bench/gateway.sh
 * sampling 100 <git revision>} compiles that revision's {@code Sampler} under another name for it.
 *
 * <p>Run through {@code bench/gateway.sh sampling}.
 */
public final class SamplerBench {
    static final int VOCAB = 128_256;

    public static void main(String[] args) throws ReflectiveOperationException {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Baseline baseline = args.length > 1 ? new Baseline(args[1]) : null;
        SamplingParams[] configs = {
            new SamplingParams(1f, 0, 0.9f, 0f, 1f, 1),
            new SamplingParams(0.7f, 50, 0.9f, 0f, 1f, 1),
            new SamplingParams(1f, 0, 1f, 0.05f, 1f, 1),
            new SamplingParams(1f, 0, 1f, 0f, 1f, 1),
        };
        String[] names = {"top-p 0.9", "top-k 50 + top-p 0.9, T 0.7", "min-p 0.05", "plain T 1"};
        System.out.println("| filter | σ | full sort µs/token | Math.exp softmax alone µs |"
                + (baseline != null ? " baseline µs/token |" : "") + " Sampler µs/token | vs full sort |"
                + (baseline != null ? " vs baseline |" : ""));
        System.out.println("|---|---:|---:|---:|---:|---:|" + (baseline != null ? "---:|---:|" : ""));
        for (double sigma : new double[] {3, 1, 0.001, 0}) {
            float[][] logits = new float[16][VOCAB];
            Random r = new Random(7);
            for (float[] l : logits) {
                for (int i = 0; i < VOCAB; i++) {
                    l[i] = (float) (r.nextGaussian() * sigma);
                }
            }
            for (int c = 0; c < configs.length; c++) {
                double[][] exact = new double[2][5], softmax = new double[2][5], fast = new double[2][5];
                double[][] base = new double[2][5];
                float invT = 1f / configs[c].temperature();
                for (int round = 0; round < 5; round++) { // interleaved; round 0 warms up
                    time(new ExactSortSampler(configs[c], VOCAB)::next, logits, tokens, exact, round);
                    time(new PlainSoftmax(invT)::next, logits, tokens, softmax, round);
                    if (baseline != null) {
                        time(baseline.create(configs[c]), logits, tokens, base, round);
                    }
                    time(new Sampler(configs[c], VOCAB)::next, logits, tokens, fast, round);
                }
                double fastCpu = median(Arrays.copyOfRange(fast[1], 1, 5));
                System.out.printf(
                        "| %s | %s | %s | %s |%s **%s** | %.1fx |%s%n",
                        names[c],
                        sigma,
                        cell(exact),
                        cell(softmax),
                        baseline != null ? " " + cell(base) + " |" : "",
                        cell(fast),
                        median(Arrays.copyOfRange(exact[1], 1, 5)) / fastCpu,
                        baseline != null
                                ? String.format(" %.2fx |", median(Arrays.copyOfRange(base[1], 1, 5)) / fastCpu)
                                : "");
            }
        }
    }

    /**
     * The textbook softmax a sampler starts from: max, {@code Math.exp} of each shifted logit,
     * sum, normalise; no filter and no draw (returns the argmax so the work is used).
     */
    static final class PlainSoftmax {
        final float invT;
        final float[] p = new float[VOCAB];

        PlainSoftmax(float invT) {
            this.invT = invT;
        }

        int next(float[] logits, int offset) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < VOCAB; i++) {
                max = Math.max(max, logits[offset + i]);
            }
            double sum = 0;
            for (int i = 0; i < VOCAB; i++) {
                float e = (float) Math.exp((logits[offset + i] - max) * invT);
                p[i] = e;
                sum += e;
            }
            float norm = (float) (1 / sum);
            int best = 0;
            for (int i = 0; i < VOCAB; i++) {
                p[i] *= norm;
                best = p[i] > p[best] ? i : best;
            }
            return best;
        }
    }

    interface Next {
        int next(float[] logits, int offset);
    }

    /** A sampler class loaded by name: an earlier revision's, for a side-by-side run. */
    static final class Baseline {
        final java.lang.reflect.Constructor<?> constructor;
        final java.lang.reflect.Method next;

        Baseline(String className) throws ReflectiveOperationException {
            Class<?> type = Class.forName(className);
            constructor = type.getConstructor(SamplingParams.class, int.class);
            next = type.getMethod("next", float[].class, int.class);
        }

        Next create(SamplingParams params) {
            try {
                Object sampler = constructor.newInstance(params, VOCAB);
                return (logits, offset) -> {
                    try {
                        return (int) next.invoke(sampler, logits, offset);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                };
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Records wall µs per token in {@code into[0][round]} and this thread's CPU µs per token in {@code into[1][round]}. */
    static void time(Next s, float[][] logits, int tokens, double[][] into, int round) {
        long sink = 0, cpu0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int i = 0; i < tokens; i++) {
            sink += s.next(logits[i % logits.length], 0);
        }
        into[0][round] = (System.nanoTime() - t0) / 1e3 / tokens;
        into[1][round] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / tokens;
        if (sink == Long.MIN_VALUE) {
            System.out.print("");
        }
    }

    /** "wall (cpu)" medians of rounds 1.. (round 0 warmed up). */
    static String cell(double[][] t) {
        return String.format(
                "%.0f (%.0f)", median(Arrays.copyOfRange(t[0], 1, 5)), median(Arrays.copyOfRange(t[1], 1, 5)));
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return (s[s.length / 2] + s[(s.length - 1) / 2]) / 2;
    }
}
