package dev.kiln.trainer.bench;

import dev.kiln.trainer.AdamW;
import dev.kiln.trainer.Batch;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.LearningRateSchedule;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import dev.kiln.trainer.Trainer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.util.Arrays;

/**
 * Heap and step time of GPT-2 training steps at one shape, for bench/trainer-memory.sh (one JVM
 * per shape, so nothing of another shape stays on the heap). Reports the estimate the trainer
 * service checks ({@code trainingMemoryBytes}), the heap still live after the steps and a full GC
 * (parameters, gradients, AdamW moments and the activations the model keeps between forward and
 * backward: what -Xmx must hold at least), the old generation's peak (the live set plus whatever
 * was promoted before a collection), the median wall time of the timed steps, the process CPU
 * time per timed step (on a machine shared with other jobs the wall clock mostly measures how
 * much CPU we were given), and the loss of the last step (same seeds, so two builds can be
 * compared step for step), and the bytes the process allocated per timed step (all threads; what
 * the garbage collector has to reclaim).
 * Usage: {@code TrainerMemoryBench L C NH T B vocab warmupSteps timedSteps threads}.
 */
public final class TrainerMemoryBench {

    public static void main(String[] args) {
        int L = Integer.parseInt(args[0]), C = Integer.parseInt(args[1]), NH = Integer.parseInt(args[2]);
        int T = Integer.parseInt(args[3]), B = Integer.parseInt(args[4]);
        int vocab = Integer.parseInt(args[5]), warmup = Integer.parseInt(args[6]), timed = Integer.parseInt(args[7]);
        int threads = Integer.parseInt(args[8]);
        GptConfig cfg = GptConfig.of(L, NH, C, T, vocab);
        try (ThreadPool pool = new ThreadPool(threads)) {
            GptModel model = GptModel.create(cfg, pool, 1);
            AdamW opt = new AdamW(model);
            Trainer tr = new Trainer(model, opt, new LearningRateSchedule(6e-4f, 6e-5f, 10, 1000));
            Rng rng = new Rng(2);
            int[] data = new int[Math.max(100_000, 4 * B * (T + 1))];
            for (int i = 0; i < data.length; i++) {
                data[i] = rng.nextInt(vocab);
            }
            for (int i = 0; i < warmup; i++) {
                tr.step(() -> Batch.sample(data, rng, B, T));
            }
            double[] ms = new double[timed];
            float loss = Float.NaN;
            long cpu0 = TrainerBench.cpuNanos(), alloc0 = allocatedBytes();
            for (int i = 0; i < timed; i++) {
                Trainer.StepResult res = tr.step(() -> Batch.sample(data, rng, B, T));
                ms[i] = res.nanos() / 1e6;
                loss = res.loss();
            }
            double cpuMsPerStep = (TrainerBench.cpuNanos() - cpu0) / 1e6 / Math.max(1, timed);
            double allocMbPerStep = (allocatedBytes() - alloc0) / 1e6 / Math.max(1, timed);
            System.gc();
            long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            Reference.reachabilityFence(tr); // else the JIT may let the GC take model and optimizer first
            Reference.reachabilityFence(model);
            Reference.reachabilityFence(opt);
            long oldPeak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP
                        && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
                    oldPeak = Math.max(oldPeak, p.getPeakUsage().getUsed());
                }
            }
            Arrays.sort(ms);
            System.out.printf(
                    "| L%d C%d H%d | %.1fM | %d×%d | %,d | %,d | %,d | %s | %.0f ms | %.1f MB | %.6f |%n",
                    L,
                    C,
                    NH,
                    cfg.realParameterCount() / 1e6,
                    B,
                    T,
                    cfg.trainingMemoryBytes(B, T) >> 20,
                    live >> 20,
                    oldPeak >> 20,
                    timed == 0 ? "-" : String.format("%.0f ms (%d steps)", ms[timed / 2], timed),
                    cpuMsPerStep,
                    allocMbPerStep,
                    loss);
        }
    }

    /** Bytes allocated so far by every live thread (the pool's workers live as long as the run). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
