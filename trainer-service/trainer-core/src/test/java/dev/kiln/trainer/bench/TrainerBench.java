package dev.kiln.trainer.bench;

import dev.kiln.trainer.AdamW;
import dev.kiln.trainer.Batch;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.LearningRateSchedule;
import dev.kiln.trainer.Matmul;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import dev.kiln.trainer.Trainer;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Training throughput against the matmul kernel's own peak, in one JVM run (bench/trainer.sh).
 *
 * <p>FLOPs per trained token = 6·N + 12·L·C·T (the PaLM/nanoGPT convention): N counts every
 * parameter that takes part in a matmul (the blocks plus the tied wte as LM head, real vocab
 * rows only; not wpe, LayerNorms count but are negligible), 6 = 2 forward + 4 backward; the
 * attention term counts the full T×T score and weighting products (our causal kernel does about
 * half of them, so this slightly flatters attention-heavy shapes). Usage:
 * {@code TrainerBench [threads] [seconds-per-measurement] [small|medium]}.
 *
 * <p>Besides wall-clock rates it reports GFLOP per CPU-second of the whole process: on a
 * machine shared with other jobs the wall clock mostly measures how much CPU we were given,
 * while work per CPU-second measures the code (it still suffers from shared caches).
 */
public final class TrainerBench {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        String only = args.length > 2 ? args[2] : ""; // "small" or "medium" to run one model, skipping the kernel table
        System.out.printf(
                "threads=%d, java %s, vector species %s%n",
                threads, System.getProperty("java.version"), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        try (ThreadPool pool = new ThreadPool(threads);
                ThreadPool one = new ThreadPool(1)) {
            System.out.println(
                    "\n## matmul kernels: ab = a[M,K]·b[K,N] (broadcast form, used by training); abT = a[M,K]·b[N,K]^T (dot form, used by decoding)");
            System.out.println("| kernel | M | N | K | threads | GFLOP/s (wall) | GFLOP per CPU-s |");
            System.out.println("|---|---|---|---|---|---|---|");
            int[][] shapes = only.isEmpty()
                    ? new int[][] {{256, 256, 256}, {1024, 512, 128}, {1024, 1280, 320}, {1024, 4096, 128}}
                    : new int[][] {{256, 256, 256}};
            double peak = 0, peakCpu = 0;
            for (int[] s : shapes) {
                for (boolean bt : new boolean[] {false, true}) {
                    double[] r1 = matmul(one, s[0], s[1], s[2], bt, seconds / 2);
                    double[] r2 = matmul(pool, s[0], s[1], s[2], bt, seconds / 2);
                    peak = Math.max(peak, Math.max(r1[0], r2[0]));
                    peakCpu = Math.max(peakCpu, Math.max(r1[1], r2[1]));
                }
            }
            System.out.printf(
                    "%nmatmul peak (best of the rows above): %.1f GFLOP/s wall, %.1f GFLOP per CPU-second%n",
                    peak, peakCpu);

            System.out.println("\n## training step (forward + backward + AdamW), vocab 4096");
            System.out.println(
                    "| model | params | B×T | tokens/s (wall) | GFLOP/s (wall) | % of wall peak | GFLOP per CPU-s | % of CPU-s peak | steps, median step |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            if (!only.equals("medium")) {
                train(pool, "small", GptConfig.of(4, 4, 128, 128, 4096), 8, 128, seconds * 2, peak, peakCpu);
            }
            if (!only.equals("small")) {
                train(pool, "medium", GptConfig.of(8, 5, 320, 256, 4096), 4, 256, seconds * 4, peak, peakCpu);
            }
        }
    }

    /** Returns {wall GFLOP/s, GFLOP per CPU-second}. */
    static double[] matmul(ThreadPool pool, int M, int N, int K, boolean dotForm, double seconds) {
        Rng r = new Rng(1);
        float[] a = new float[M * K], b = new float[N * K], c = new float[M * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat();
        }
        Runnable op = dotForm
                ? () -> Matmul.abT(pool, c, 0, a, 0, b, 0, null, 0, M, N, K, false)
                : () -> Matmul.ab(pool, c, 0, a, 0, b, 0, null, 0, M, N, K, false);
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        long t0 = System.nanoTime(), c0 = cpuNanos();
        int reps = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            op.run();
            reps++;
        }
        double flops = 2.0 * M * N * K * reps;
        double gflops = flops / (System.nanoTime() - t0), perCpu = flops / Math.max(1, cpuNanos() - c0);
        System.out.printf(
                "| %s | %d | %d | %d | %d | %.1f | %.1f |%n",
                dotForm ? "abT" : "ab", M, N, K, pool.threads(), gflops, perCpu);
        return new double[] {gflops, perCpu};
    }

    static void train(
            ThreadPool pool, String name, GptConfig cfg, int B, int T, double seconds, double peak, double peakCpu) {
        GptModel model = GptModel.create(cfg, pool, 1);
        AdamW opt = new AdamW(model);
        Trainer tr = new Trainer(model, opt, new LearningRateSchedule(6e-4f, 6e-5f, 10, 1000));
        Rng rng = new Rng(2);
        int[] data = new int[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.nextInt(cfg.vocab());
        }
        // warm up until the JIT has compiled the vector kernels with C2 (slow on a loaded machine:
        // until then the Vector API runs its Java fallback): at least 3 steps and a third of the time
        long w0 = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - w0 < seconds / 3 * 1e9; i++) {
            tr.step(() -> Batch.sample(data, rng, B, T));
        }
        long C = cfg.nEmbd(), L = cfg.nLayer();
        long n = cfg.realParameterCount() - (long) cfg.context() * C; // wpe is a lookup, not a matmul
        double flopsPerToken = 6.0 * n + 12.0 * L * C * T;
        long t0 = System.nanoTime(), c0 = cpuNanos();
        long tokens = 0;
        int steps = 0;
        double[] stepTimes = new double[1000];
        while (System.nanoTime() - t0 < seconds * 1e9 && steps < stepTimes.length) {
            Trainer.StepResult res = tr.step(() -> Batch.sample(data, rng, B, T));
            tokens += res.tokens();
            stepTimes[steps++] = res.nanos() / 1e6;
        }
        double secs = (System.nanoTime() - t0) / 1e9, cpuSecs = (cpuNanos() - c0) / 1e9;
        double tps = tokens / secs, gflops = tps * flopsPerToken / 1e9;
        double perCpu = tokens * flopsPerToken / 1e9 / cpuSecs;
        double[] st = Arrays.copyOf(stepTimes, steps);
        Arrays.sort(st);
        System.out.printf(
                "| %s L%d C%d H%d | %.2fM | %d×%d | %.0f | %.1f | %.0f%% | %.1f | %.0f%% | %d, %.0f ms |%n",
                name,
                cfg.nLayer(),
                cfg.nEmbd(),
                cfg.nHead(),
                cfg.realParameterCount() / 1e6,
                B,
                T,
                tps,
                gflops,
                100 * gflops / peak,
                perCpu,
                100 * perCpu / peakCpu,
                steps,
                st[steps / 2]);
    }
}
