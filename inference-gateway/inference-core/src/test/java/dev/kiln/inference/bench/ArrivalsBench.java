package dev.kiln.inference.bench;

import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.EngineMetrics;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Realistic arrivals: requests arrive one by one (exponential gaps, a Poisson process, seeded),
 * with mixed prompt lengths (4–64 tokens) and output lengths (8–{@code maxNew}), so rows join
 * and leave the running batch at different steps. The same schedule runs through the gateway
 * with max-batch 32 and with max-batch 1 (one request at a time), interleaved, best of
 * {@code repeats} by tokens per CPU-second; the bare ONNX Runtime loop on one synchronized batch
 * of 8 and 32 is printed beside it as the ceiling this CPU gives at those batch sizes.
 *
 * <p>Usage: {@code ArrivalsBench <small|gpt2> <requests> <mean gap ms> <max new tokens> <seed> [repeats]}
 * (bench/gateway.sh arrivals ...). Greedy, ignore EOS, 1 intra-op thread.
 */
public final class ArrivalsBench {
    record Request(long atNanos, int[] prompt, int newTokens) {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        int requests = Integer.parseInt(args[1]);
        double gapMs = Double.parseDouble(args[2]);
        int maxNew = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        Path dir = Files.createTempDirectory("kiln-bench-" + which);
        GatewayBench.Shape cfg = GatewayBench.bundle(which, dir);
        List<Request> schedule = schedule(requests, gapMs, maxNew, seed);
        int tokens = schedule.stream().mapToInt(Request::newTokens).sum();
        System.err.printf(
                "%d requests, %d new tokens in all, last arrival at %.0f ms%n",
                requests, tokens, schedule.get(requests - 1).atNanos / 1e6);

        GatewayBench.bare(dir, cfg, 1, 4); // warm-up
        run(dir, schedule.subList(0, Math.min(4, requests)), 32);
        Result batched = null, single = null;
        GatewayBench.Run bare8 = null, bare32 = null;
        for (int rep = 0; rep < repeats; rep++) {
            batched = better(batched, run(dir, schedule, 32));
            single = better(single, run(dir, schedule, 1));
            GatewayBench.Run b8 = GatewayBench.bare(dir, cfg, 8, 32), b32 = GatewayBench.bare(dir, cfg, 32, 32);
            bare8 = bare8 == null ? b8 : GatewayBench.Run.best(bare8, b8);
            bare32 = bare32 == null ? b32 : GatewayBench.Run.best(bare32, b32);
        }
        System.out.println();
        System.out.println("| model | path | tokens/s | tokens per CPU-s | TTFT p50 / p99 ms | inter-token p50 / p99 ms"
                + " | mean rows a step | in decode steps | in prefill |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(batched.row(which, "gateway, arrivals, max-batch 32"));
        System.out.println(single.row(which, "gateway, arrivals, max-batch 1"));
        System.out.printf(
                "| %s | bare ORT loop, one batch of 8 (synchronized) | %.1f | %.1f | | | 8 | | |%n",
                which, bare8.tokensPerSecond(), bare8.tokensPerCpuSecond());
        System.out.printf(
                "| %s | bare ORT loop, one batch of 32 (synchronized) | %.1f | %.1f | | | 32 | | |%n",
                which, bare32.tokensPerSecond(), bare32.tokensPerCpuSecond());
        System.out.println();
        System.out.printf(
                "%s arrivals (%d requests, mean gap %.0f ms, seed %d): batching speedup wall %.2fx, CPU %.2fx;"
                        + " gateway tokens per CPU-s = %.0f%% of the bare batch of 8, %.0f%% of the bare batch of 32%n",
                which,
                requests,
                gapMs,
                seed,
                batched.tokensPerSecond / single.tokensPerSecond,
                batched.tokensPerCpuSecond / single.tokensPerCpuSecond,
                100 * batched.tokensPerCpuSecond / bare8.tokensPerCpuSecond(),
                100 * batched.tokensPerCpuSecond / bare32.tokensPerCpuSecond());
    }

    static List<Request> schedule(int n, double gapMs, int maxNew, long seed) {
        Random rnd = new Random(seed);
        List<Request> out = new ArrayList<>();
        double at = 0;
        for (int i = 0; i < n; i++) {
            int[] prompt = new int[4 + rnd.nextInt(61)];
            for (int j = 0; j < prompt.length; j++) {
                prompt[j] = 32 + rnd.nextInt(200);
            }
            out.add(new Request((long) (at * 1e6), prompt, 8 + rnd.nextInt(Math.max(1, maxNew - 7))));
            at += -Math.log(1 - rnd.nextDouble()) * gapMs;
        }
        return out;
    }

    record Result(
            double tokensPerSecond,
            double tokensPerCpuSecond,
            double ttftP50,
            double ttftP99,
            double itlP50,
            double itlP99,
            double meanRows,
            double decodeShare,
            double prefillShare) {
        String row(String model, String path) {
            return String.format(
                    "| %s | %s | %.1f | %.1f | %.0f / %.0f | %.1f / %.1f | %.1f | %.0f%% | %.0f%% |",
                    model,
                    path,
                    tokensPerSecond,
                    tokensPerCpuSecond,
                    ttftP50,
                    ttftP99,
                    itlP50,
                    itlP99,
                    meanRows,
                    100 * decodeShare,
                    100 * prefillShare);
        }
    }

    static Result better(Result a, Result b) {
        return a == null || b.tokensPerCpuSecond > a.tokensPerCpuSecond ? b : a;
    }

    static final class Clock implements EngineMetrics {
        final AtomicLong decode = new AtomicLong(),
                prefill = new AtomicLong(),
                steps = new AtomicLong(),
                rows = new AtomicLong();

        @Override
        public void decodeStep(String model, int batchSize, long n) {
            decode.addAndGet(n);
            steps.incrementAndGet();
            rows.addAndGet(batchSize);
        }

        @Override
        public void prefillCall(String model, int rowCount, int tokens, long n) {
            prefill.addAndGet(n);
        }
    }

    static Result run(Path dir, List<Request> schedule, int maxBatch) throws Exception {
        Clock clock = new Clock();
        try (ModelRegistry reg = new ModelRegistry(
                new ModelRegistry.Settings(
                        OrtSessions.Options.cpu(1),
                        new ContinuousBatcher.Config(maxBatch, Math.max(64, schedule.size())),
                        m -> null),
                clock)) {
            reg.load("bench", dir, false, null);
            InferenceEngine engine = new InferenceEngine(reg);
            GatewayBench.gatewayWarmUp(engine);
            clock.decode.set(0);
            clock.prefill.set(0);
            clock.steps.set(0);
            clock.rows.set(0);
            int n = schedule.size();
            long[] ttft = new long[n];
            List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Integer>> done = new ArrayList<>();
            long start = System.nanoTime(), cpu0 = GatewayBench.cpuNanos();
            for (int i = 0; i < n; i++) {
                Request r = schedule.get(i);
                long wait = start + r.atNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int idx = i;
                long submitted = System.nanoTime();
                CompletableFuture<Integer> f = new CompletableFuture<>();
                done.add(f);
                engine.generate(
                        new InferenceEngine.Command(
                                "bench", null, r.prompt, r.newTokens, SamplingSpec.greedy(), List.of(), true),
                        new GenerationListener() {
                            long last = -1;

                            private void token() {
                                long now = System.nanoTime();
                                if (last < 0) {
                                    ttft[idx] = now - submitted;
                                } else {
                                    gaps.add(now - last);
                                }
                                last = now;
                            }

                            @Override
                            public void onTokens(String text, int[] tokens) {
                                token();
                            }

                            @Override
                            public void onFinish(String text, int[] tokens, FinishReason reason, int p, int c) {
                                token();
                                f.complete(c);
                            }

                            @Override
                            public void onError(GenerationFailedException error) {
                                f.completeExceptionally(error);
                            }
                        });
            }
            int total = 0;
            for (CompletableFuture<Integer> f : done) {
                total += f.get(60, TimeUnit.MINUTES);
            }
            long cpu = GatewayBench.cpuNanos() - cpu0;
            double secs = (System.nanoTime() - start) / 1e9;
            long[] t = ttft.clone();
            java.util.Arrays.sort(t);
            long[] g = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(
                    total / secs,
                    total / (cpu / 1e9),
                    pct(t, 0.5) / 1e6,
                    pct(t, 0.99) / 1e6,
                    pct(g, 0.5) / 1e6,
                    pct(g, 0.99) / 1e6,
                    (double) clock.rows.get() / Math.max(1, clock.steps.get()),
                    clock.decode.get() / 1e9 / secs,
                    clock.prefill.get() / 1e9 / secs);
        }
    }

    static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
