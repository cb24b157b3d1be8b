package dev.kiln.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small fixed pool for data-parallel loops. {@link #parallelFor} splits [0, n) into one
 * contiguous range per thread; the caller runs the first range itself. Every kernel in this
 * module writes each output element from exactly one range, and every reduction runs in an order
 * that does not depend on the split (fixed row chunks, one FMA chain per matmul output), so
 * results are bit-identical run to run, and even across thread counts (tested for 1, 2, 3).
 */
public final class ThreadPool implements AutoCloseable {

    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** A range body told which part it is, for scratch kept per part (see {@link #parallelParts}). */
    @FunctionalInterface
    public interface PartBody {
        void run(int part, int start, int end);
    }

    /** Runs every loop inline on the caller: for kernels called from inside a parallel loop. */
    public static final ThreadPool SERIAL = new ThreadPool(1);

    private final int threads;
    private final ExecutorService executor;

    public ThreadPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        this.threads = threads;
        this.executor = threads == 1
                ? null
                : Executors.newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "kiln-trainer-worker");
                    t.setDaemon(true);
                    return t;
                });
    }

    public int threads() {
        return threads;
    }

    public void parallelFor(int n, RangeBody body) {
        parallelParts(n, (part, start, end) -> body.run(start, end));
    }

    /**
     * As {@link #parallelFor}, with each range's part number in [0, min(threads, n)). One call runs
     * each part once, so a body may use scratch indexed by part without locking; a later call may
     * run the same part on another thread, which sees what the earlier one wrote (submitting a
     * task and waiting for it both order memory).
     */
    public void parallelParts(int n, PartBody body) {
        if (n <= 0) {
            return;
        }
        int parts = Math.min(threads, n);
        if (parts == 1) {
            body.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int part = p;
            int s = (int) ((long) n * p / parts);
            int e = (int) ((long) n * (p + 1) / parts);
            futures.add(executor.submit(() -> body.run(part, s, e)));
        }
        body.run(0, 0, (int) ((long) n / parts));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ie);
            } catch (ExecutionException ee) {
                Throwable c = ee.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
