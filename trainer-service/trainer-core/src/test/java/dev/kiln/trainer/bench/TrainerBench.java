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
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Training throughput as a share of the machine's FP32 FMA peak, in one JVM run (bench/trainer.sh).
 *
 * <p>Peak: (1) nominal = FMA pipes × vector lanes × 2 FLOP × clock (pipes per core is an input,
 * 2 on Zen 2/3/4 and on Intel server cores since Haswell; clock from /proc/cpuinfo); (2)
 * measured = a register-only loop of 12 independent vector FMA chains (enough to cover 4-cycle
 * latency on 2 pipes), on 1 thread and on all bench threads at once.
 *
 * <p>FLOPs per trained token = 6·N + 12·L·C·T (nanoGPT's estimate_mfu, llm.c's convention): N =
 * parameters without the position table, 6 = 2 forward + 4 backward, 12·L·C·T the attention
 * score and weighting products over the full T×T square. Usage: {@code TrainerBench [threads]
 * [seconds-per-measurement] [models, comma-separated: 1.3m,12m,124m] [124m batch]}.
 *
 * <p>Besides wall-clock rates it reports GFLOP per CPU-second of the whole process: on a machine
 * shared with other jobs the wall clock mostly measures how much CPU we were given, while work
 * per CPU-second measures the code (it still suffers from shared caches).
 */
public final class TrainerBench {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int FMA_PIPES = Integer.getInteger("fmaPipes", 2);

    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        List<String> models = Arrays.asList((args.length > 2 ? args[2] : "1.3m,12m").split(","));
        int bigBatch = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        double mhz = cpuMhz();
        System.out.printf(
                "threads=%d, java %s, vector species %s, CPU %s at %.0f MHz, load average %.2f%n",
                threads, System.getProperty("java.version"), S, cpuModel(), mhz, OS.getSystemLoadAverage());

        double nominal1 = FMA_PIPES * S.length() * 2 * mhz / 1e3;
        System.out.println("\n## FP32 FMA peak (GFLOP/s)");
        System.out.printf(
                "nominal: %d FMA pipes × %d lanes × 2 FLOP × %.3f GHz = %.1f per core, %.1f on %d cores%n",
                FMA_PIPES, S.length(), mhz / 1e3, nominal1, nominal1 * threads, threads);
        fmaLoop(1, 0.3); // compile the loop before timing it
        double[] m1 = fmaLoop(1, seconds), mN = fmaLoop(threads, seconds);
        System.out.printf(
                "measured (register-only FMA loop): %.1f wall on 1 thread, %.1f wall on %d threads; %.1f per CPU-second (%.0f%% of nominal per core)%n",
                m1[0], mN[0], threads, mN[1], 100 * mN[1] / nominal1);
        // wall shares are against the loop's wall rate in this run (both suffer the same load);
        // per-CPU-second shares against the loop's rate per CPU-second (one core's peak)
        double peak = Math.max(mN[0], m1[0]), measured1 = Math.max(mN[1], m1[1]);

        try (ThreadPool pool = new ThreadPool(threads);
                ThreadPool one = new ThreadPool(1)) {
            System.out.println("\n## packed GEMM on the 12M shape's products (N tokens = 1024, C = 384)");
            System.out.println(
                    "| product | form | M | N | K | threads | GFLOP/s (wall) | GFLOP per CPU-s | % of 1-core FMA peak per CPU-s |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            int[][] shapes = {{1024, 1536, 384, 0}, {1024, 384, 1536, 1}, {1536, 384, 1024, 2}, {1024, 4096, 384, 0}};
            String[] names = {"fc forward x·Wᵀ", "fcproj dX = dY·W", "fc dW = dYᵀ·X", "LM head forward"};
            for (int i = 0; i < shapes.length; i++) {
                int[] s = shapes[i];
                matmul(one, names[i], s[0], s[1], s[2], s[3], seconds / 2, measured1);
                matmul(pool, names[i], s[0], s[1], s[2], s[3], seconds / 2, measured1);
            }

            System.out.println(
                    "\n## training step (forward + backward + AdamW), 2·N·tokens forward + 4·N·tokens backward");
            System.out.println(
                    "| model | params | B×T | tokens/s (wall) | GFLOP/s (wall) | % of FMA loop (wall) | GFLOP per CPU-s | % of 1-core FMA peak per CPU-s | steps, median step | peak heap |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            if (models.contains("1.3m")) {
                train(pool, "1.3M", GptConfig.of(4, 4, 128, 128, 4096), 8, 128, 3, 2, seconds * 2, peak, measured1);
            }
            if (models.contains("12m")) {
                train(pool, "12M", GptConfig.of(6, 6, 384, 256, 4096), 4, 256, 3, 2, seconds * 4, peak, measured1);
            }
            if (models.contains("124m")) {
                train(
                        pool,
                        "GPT-2 124M",
                        GptConfig.of(12, 12, 768, 1024, 50257),
                        bigBatch,
                        1024,
                        1,
                        1,
                        0,
                        peak,
                        measured1);
            }
        }
    }

    /**
     * {wall GFLOP/s, GFLOP per CPU-second} of `threads` threads each running independent FMA chains in
     * registers, together.
     */
    static double[] fmaLoop(int threads, double seconds) throws InterruptedException {
        long iters = 1L << 20;
        CountDownLatch start = new CountDownLatch(1);
        long[] done = new long[threads], cpu = new long[threads];
        float[] sink = new float[threads];
        List<Thread> ts = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9) + 50_000_000L;
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0, c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                float s = 0;
                while (System.nanoTime() < deadline) {
                    s += fmaChains(iters, id);
                    n += iters;
                }
                done[id] = n;
                cpu[id] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
                sink[id] = s;
            });
            th.start();
            ts.add(th);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = Arrays.stream(done).sum();
        if (Float.isNaN(sink[0])) {
            System.out.println("(nan)");
        }
        double flops = total * 12.0 * S.length() * 2;
        return new double[] {flops / secs / 1e9, flops / Arrays.stream(cpu).sum()};
    }

    private static float fmaChains(long iters, int seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), d = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(m, d);
            a1 = a1.fma(m, d);
            a2 = a2.fma(m, d);
            a3 = a3.fma(m, d);
            a4 = a4.fma(m, d);
            a5 = a5.fma(m, d);
            a6 = a6.fma(m, d);
            a7 = a7.fma(m, d);
            a8 = a8.fma(m, d);
            a9 = a9.fma(m, d);
            a10 = a10.fma(m, d);
            a11 = a11.fma(m, d);
        }
        return a0.add(a1)
                .add(a2)
                .add(a3)
                .add(a4)
                .add(a5)
                .add(a6)
                .add(a7)
                .add(a8)
                .add(a9)
                .add(a10)
                .add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** form 0: c = a·bᵀ (forward), 1: c = a·b (dX), 2: c += aᵀ·b (dW). */
    static void matmul(ThreadPool pool, String name, int M, int N, int K, int form, double seconds, double peakPerCpu) {
        Rng r = new Rng(1);
        float[] a = new float[M * K], b = new float[N * K], c = new float[M * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat();
        }
        Runnable op = switch (form) {
            case 0 -> () -> Matmul.abT(pool, c, 0, a, 0, b, 0, null, 0, M, N, K, false);
            case 1 -> () -> Matmul.ab(pool, c, 0, a, 0, b, 0, null, 0, M, N, K, false);
            default -> () -> Matmul.atb(pool, c, 0, a, 0, b, 0, M, N, K, true);
        };
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
                "| %s | %s | %d | %d | %d | %d | %.1f | %.1f | %.0f%% |%n",
                name,
                new String[] {"abT", "ab", "atb"}[form],
                M,
                N,
                K,
                pool.threads(),
                gflops,
                perCpu,
                100 * perCpu / peakPerCpu);
    }

    static void train(
            ThreadPool pool,
            String name,
            GptConfig cfg,
            int B,
            int T,
            int warmupSteps,
            int minSteps,
            double seconds,
            double peak,
            double peak1) {
        resetPeakHeap();
        GptModel model = GptModel.create(cfg, pool, 1);
        AdamW opt = new AdamW(model);
        Trainer tr = new Trainer(model, opt, new LearningRateSchedule(6e-4f, 6e-5f, 10, 1000));
        Rng rng = new Rng(2);
        int[] data = new int[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.nextInt(cfg.vocab());
        }
        // warm up until the JIT has compiled the vector kernels with C2 (slow on a loaded machine:
        // until then the Vector API runs its Java fallback): the given steps and a third of the time
        long w0 = System.nanoTime();
        for (int i = 0; i < warmupSteps || System.nanoTime() - w0 < seconds / 3 * 1e9; i++) {
            tr.step(() -> Batch.sample(data, rng, B, T));
        }
        long C = cfg.nEmbd(), L = cfg.nLayer();
        long n = cfg.realParameterCount() - (long) cfg.context() * C; // wpe is a lookup, not a matmul
        double flopsPerToken = 6.0 * n + 12.0 * L * C * T;
        long t0 = System.nanoTime(), c0 = cpuNanos();
        long tokens = 0;
        int steps = 0;
        double[] stepTimes = new double[1000];
        while ((steps < minSteps || System.nanoTime() - t0 < seconds * 1e9) && steps < stepTimes.length) {
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
                "| %s L%d C%d H%d | %.2fM | %d×%d | %.0f | %.1f | %.0f%% | %.1f | %.0f%% | %d, %.0f ms | %.2f GB |%n",
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
                100 * perCpu / peak1,
                steps,
                st[steps / 2],
                peakHeap() / 1e9);
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks since the last reset: an upper bound on the live peak. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String cpuModel() throws IOException {
        return cpuinfo("model name");
    }

    private static double cpuMhz() throws IOException {
        return Double.parseDouble(cpuinfo("cpu MHz"));
    }

    private static String cpuinfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }
}
