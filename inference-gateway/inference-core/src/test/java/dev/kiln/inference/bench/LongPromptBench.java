package dev.kiln.inference.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.EngineMetrics;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.inference.testing.TestGraphs;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A 2,000-token prompt arriving while 8 streams decode, with chunked prefill (512 tokens a step)
 * and without (the whole prompt between two steps): the long prompt's time to first token and
 * the longest pause the running streams see meanwhile. Model: the Llama-shaped one of
 * {@link GatewayBench#llama} (4 layers, 512 channels, GQA 8/2, vocabulary 128,256, context 2,560;
 * random weights, trainer-core's exporter, fp32). Greedy, 1 intra-op thread. The peer is a bare
 * ONNX Runtime session prefilling the same prompt alone in one call (what the prompt costs with
 * nothing else running; it materialises all 2,000 × 128,256 logits, as the graph returns them).
 *
 * <p>With {@code last}, the same table for the same weights with the graph rewritten to slice the
 * last position before the LM head ({@link TestGraphs#lastPosition}), as exports that emit
 * [batch, 1, vocab] do: what the head over every prompt position costs.
 *
 * <p>Run through {@code bench/gateway.sh longprompt [runs] [last]} (default 2, the first a warm-up).
 */
public final class LongPromptBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("kiln-bench-long");
        TestBundles.write(TestBundles.randomLlama(GatewayBench.llama(2560), 3), dir);
        Map<String, Path> graphs = new java.util.LinkedHashMap<>();
        graphs.put("", dir);
        if (args.length > 1 && args[1].equals("last")) {
            Path last = Files.createTempDirectory("kiln-bench-long-last");
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.copy(f, last.resolve(f.getFileName()));
                }
            }
            TestGraphs.lastPosition(last.resolve("model.onnx"), 1L);
            graphs.put(", last-position graph", last);
        }
        double bare = Double.MAX_VALUE;
        // Runs: the first warms up and is not reported, unless it is the only one (a loaded machine).
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        for (int rep = 0; rep < runs; rep++) {
            bare = Math.min(bare, barePrefill(dir, prompt(2000, 99)));
        }
        System.out.printf("bare ONNX Runtime, the 2,000-token prompt alone in one call: %.0f ms%n%n", bare);
        System.out.println(
                "| prefill | long prompt TTFT ms | longest pause of the 8 running streams ms | their median gap ms |");
        System.out.println("|---|---:|---:|---:|");
        for (int rep = 0; rep < runs; rep++) {
            for (var g : graphs.entrySet()) {
                for (int chunk : new int[] {512, 1 << 20}) {
                    double[] r = run(g.getValue(), chunk);
                    if (rep > 0 || runs == 1) {
                        System.out.printf(
                                "| %s%s | %.0f | %.0f | %.1f |%n",
                                chunk == 512 ? "chunked, 512 tokens a step" : "whole prompt in one go",
                                g.getKey(),
                                r[0],
                                r[1],
                                r[2]);
                    }
                }
            }
        }
    }

    /** ms of one session run over the whole prompt, nothing else running. */
    static double barePrefill(Path dir, int[] prompt) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        GatewayBench.Shape shape = new GatewayBench.Shape(4, 2, 64, 128_256, false);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), so)) {
                long[] ids = new long[prompt.length], pos = new long[prompt.length], mask = new long[prompt.length];
                for (int i = 0; i < prompt.length; i++) {
                    ids[i] = prompt[i];
                    pos[i] = i;
                    mask[i] = 1;
                }
                long[] shape2 = {1, prompt.length};
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape2));
                in.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(pos), shape2));
                in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape2));
                for (int l = 0; l < shape.layers(); l++) {
                    in.put("past_key_values." + l + ".key", GatewayBench.emptyPast(env, shape, 1));
                    in.put("past_key_values." + l + ".value", GatewayBench.emptyPast(env, shape, 1));
                }
                long t0 = System.nanoTime();
                try (OrtSession.Result r = s.run(in)) {
                    return (System.nanoTime() - t0) / 1e6;
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    static int[] prompt(int len, int salt) {
        int[] p = new int[len];
        for (int i = 0; i < len; i++) {
            p[i] = 32 + (i * 13 + salt * 7) % 200;
        }
        return p;
    }

    /** Returns {long TTFT ms, longest pause ms, median gap ms}. */
    static double[] run(Path dir, int chunk) throws Exception {
        try (ModelRegistry reg = new ModelRegistry(
                new ModelRegistry.Settings(
                        OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(16, 64, chunk), m -> null),
                EngineMetrics.NONE)) {
            reg.load("bench", dir, false, null);
            InferenceEngine engine = new InferenceEngine(reg);
            CountDownLatch warm = new CountDownLatch(8);
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Stream s = new Stream(warm, 3);
                streams.add(s);
                engine.generate(cmd(prompt(8, i), 100_000), s);
            }
            warm.await(10, TimeUnit.MINUTES);
            long submitted = System.nanoTime();
            Stream longOne = new Stream(new CountDownLatch(1), 1);
            engine.generate(cmd(prompt(2000, 99), 4), longOne);
            longOne.signal.await(30, TimeUnit.MINUTES);
            long firstAt;
            synchronized (longOne) {
                firstAt = longOne.times.get(0);
            }
            // A stream stalled by the prefill resumes only after the long prompt's first token: wait
            // for each one's next token, or its stall would not be counted.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (Stream s : streams) {
                while (System.nanoTime() < deadline) {
                    synchronized (s) {
                        if (s.times.get(s.times.size() - 1) > firstAt) {
                            break;
                        }
                    }
                    Thread.sleep(5);
                }
            }
            double pause = 0;
            List<Long> gaps = new ArrayList<>();
            for (Stream s : streams) {
                synchronized (s) {
                    for (int i = 1; i < s.times.size(); i++) {
                        long a = s.times.get(i - 1), b = s.times.get(i);
                        if (b >= submitted && a <= firstAt) {
                            pause = Math.max(pause, (b - a) / 1e6);
                        }
                        gaps.add(b - a);
                    }
                }
            }
            gaps.sort(null); // closing the registry cancels the running streams
            return new double[] {(firstAt - submitted) / 1e6, pause, gaps.get(gaps.size() / 2) / 1e6};
        }
    }

    static InferenceEngine.Command cmd(int[] prompt, int n) {
        return new InferenceEngine.Command(
                "bench", null, prompt, Math.min(n, 2560 - prompt.length), SamplingSpec.greedy(), List.of(), true);
    }

    static final class Stream implements GenerationListener {
        final List<Long> times = new ArrayList<>();
        final CountDownLatch signal;
        final int after;

        /** Counts {@code signal} down once, when the {@code after}-th token arrives (or the end). */
        Stream(CountDownLatch signal, int after) {
            this.signal = signal;
            this.after = after;
        }

        @Override
        public synchronized void onTokens(String text, int[] tokens) {
            times.add(System.nanoTime());
            if (times.size() == after) {
                signal.countDown();
            }
        }

        @Override
        public synchronized void onFinish(String text, int[] tokens, FinishReason reason, int p, int c) {
            if (times.size() < after) {
                signal.countDown();
            }
            times.add(System.nanoTime());
        }

        @Override
        public void onError(GenerationFailedException error) {
            signal.countDown();
        }
    }
}
