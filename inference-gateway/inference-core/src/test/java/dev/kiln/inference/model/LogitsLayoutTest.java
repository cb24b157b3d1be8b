package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.EngineMetrics;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.Collector;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.inference.testing.TestGraphs;
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.OnnxExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs whose logits hold the last position only, rewritten from one export (same weights):
 * sliced before the LM head to [batch, 1, vocab] and to [batch, vocab], and transformers'
 * logits_to_keep input (num_logits_to_keep as a scalar, logits_to_keep as [1]; the gateway feeds
 * 1, and their logits are declared with a symbolic middle dimension, so the first result tells).
 * Each gives the full-logits graph's greedy tokens (and the Java forward's) for prompts of several
 * lengths, one longer than the prefill chunk, alone and as concurrent streams in batched decode.
 */
class LogitsLayoutTest {
    static final int CHUNK = 7;

    @TempDir
    static Path dir;

    static GptModel ref;
    static ModelRegistry registry;
    static InferenceEngine engine;
    static final Map<String, Path> VARIANTS = new LinkedHashMap<>();
    /** "model: rows x positions" of every prefill call the scheduler made. */
    static final List<String> PREFILL_CALLS = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUp() throws Exception {
        ref = TestBundles.randomModel(TestBundles.small(), 31);
        Path plain = TestBundles.write(ref, dir.resolve("plain"));
        VARIANTS.put("last", BundleLayoutTest.copyOf(plain, dir.resolve("last")));
        TestGraphs.lastPosition(VARIANTS.get("last").resolve("model.onnx"), 1L);
        VARIANTS.put("last-2d", BundleLayoutTest.copyOf(plain, dir.resolve("last-2d")));
        TestGraphs.lastPosition(VARIANTS.get("last-2d").resolve("model.onnx"), null);
        VARIANTS.put("num-keep", BundleLayoutTest.copyOf(plain, dir.resolve("num-keep")));
        TestGraphs.logitsToKeep(VARIANTS.get("num-keep").resolve("model.onnx"), "num_logits_to_keep", true);
        VARIANTS.put("keep", BundleLayoutTest.copyOf(plain, dir.resolve("keep")));
        TestGraphs.logitsToKeep(VARIANTS.get("keep").resolve("model.onnx"), "logits_to_keep", false);
        registry = new ModelRegistry(
                new ModelRegistry.Settings(
                        OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(4, 64, CHUNK), n -> null),
                new EngineMetrics() {
                    @Override
                    public void prefillCall(String model, int rows, int tokens, long nanos) {
                        PREFILL_CALLS.add(model + ": " + rows + " x " + tokens / rows);
                    }
                });
        registry.load("plain", plain, false, null);
        for (var v : VARIANTS.entrySet()) {
            registry.load(v.getKey(), v.getValue(), false, null);
        }
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static OrtDecoderModel model(String name) {
        return (OrtDecoderModel) registry.get(name).model();
    }

    static InferenceEngine.Command greedy(String model, int[] prompt, int n) {
        return new InferenceEngine.Command(model, null, prompt, n, SamplingSpec.greedy(), List.of(), true);
    }

    static List<Integer> run(String model, int[] prompt, int n) throws Exception {
        Collector c = new Collector();
        engine.generate(greedy(model, prompt, n), c);
        assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
        return c.tokens();
    }

    static List<Integer> reference(int[] prompt, int n) {
        return OrtDecoderTest.greedy(ref.decoder(), prompt, n);
    }

    @Test
    void theDeclaredShapeSaysLastOnlyWhereItCanAndTheFirstResultWhereItCannot() throws Exception {
        assertThat(model("num-keep").io().logitsToKeep()).isEqualTo("num_logits_to_keep");
        assertThat(model("keep").io().logitsToKeep()).isEqualTo("logits_to_keep");
        assertThat(model("plain").io().logitsToKeep()).isNull();
        // fresh loads: the other tests may already have run these models
        List<String> fresh = new ArrayList<>();
        for (String m : List.of("plain", "last", "last-2d", "num-keep")) {
            registry.load(m + "-fresh", dir.resolve(m), false, null);
            fresh.add(m + "-fresh");
        }
        try {
            assertThat(model("last-fresh").logits().lastOnly()).isTrue();
            assertThat(model("last-2d-fresh").logits().lastOnly()).isTrue();
            // [batch_size, sequence_length, vocab] tells nothing: one position is known, several are not
            for (String m : List.of("plain-fresh", "num-keep-fresh")) {
                assertThat(model(m).logits().known(1)).as(m).isTrue();
                assertThat(model(m).logits().known(CHUNK)).as(m).isFalse();
            }
            for (String m : fresh) {
                assertThat(model(m).shape().vocab()).as(m).isEqualTo(TestBundles.vocab());
                run(m, OrtDecoderTest.prompt(9, 1), 2);
                assertThat(model(m).logits().known(CHUNK)).as(m).isTrue();
            }
            assertThat(model("num-keep-fresh").logits().lastOnly()).isTrue();
            assertThat(model("plain-fresh").logits().lastOnly()).isFalse();
        } finally {
            fresh.forEach(registry::unload);
        }
    }

    @Test
    void greedyEqualsTheFullLogitsGraphForPromptsShorterAndLongerThanTheChunk() throws Exception {
        int[] lengths = {1, 2, 6, CHUNK, CHUNK + 1, 40};
        int[] background = OrtDecoderTest.prompt(3, 99);
        List<Integer> backgroundWant = run("plain", background, 90);
        for (int i = 0; i < lengths.length; i++) {
            int[] p = OrtDecoderTest.prompt(lengths[i], i);
            List<Integer> want = run("plain", p, 24);
            assertThat(want).as("plain, prompt of %d", lengths[i]).isEqualTo(reference(p, 24));
            for (String m : VARIANTS.keySet()) {
                assertThat(run(m, p, 24)).as("%s, prompt of %d", m, lengths[i]).isEqualTo(want);
                if (lengths[i] <= CHUNK) {
                    continue;
                }
                // Alone, a prompt is prefilled in one go; joining a decoding stream, in chunks.
                Collector running = new Collector();
                engine.generate(greedy(m, background, 90), running);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (running.tokens().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(run(m, p, 24))
                        .as("%s, prompt of %d in chunks", m, lengths[i])
                        .isEqualTo(want);
                assertThat(running.await()).isEqualTo(FinishReason.LENGTH);
                assertThat(running.tokens()).as("%s, the decoding stream", m).isEqualTo(backgroundWant);
                assertThat(PREFILL_CALLS).as(m).contains(m + ": 1 x " + CHUNK);
            }
        }
    }

    @Test
    void concurrentStreamsInBatchedDecodeGetTheFullLogitsGraphsTokens() throws Exception {
        int n = 9; // more than the batch of 4: later ones are prefilled (together) between decode steps
        List<int[]> prompts = new ArrayList<>();
        List<List<Integer>> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(OrtDecoderTest.prompt(i == 4 ? 33 : 1 + 2 * i, 10 + i));
            want.add(run("plain", prompts.get(i), 8 + 3 * i)); // they end at different steps: others join mid-decode
        }
        for (String m : VARIANTS.keySet()) {
            List<Collector> together = new ArrayList<>();
            for (int[] p : prompts) {
                Collector c = new Collector();
                engine.generate(greedy(m, p, want.get(together.size()).size()), c);
                together.add(c);
            }
            for (int i = 0; i < n; i++) {
                assertThat(together.get(i).await()).isEqualTo(FinishReason.LENGTH);
                assertThat(together.get(i).tokens()).as("%s, stream %d", m, i).isEqualTo(want.get(i));
            }
        }
    }

    /** Left-padded prompts prefilled together in chunks, then decoded as one batch: the logits themselves. */
    @Test
    void batchedChunkedPrefillAndDecodeLogitsEqualTheFullLogitsGraphs() {
        int v = TestBundles.vocab();
        int[][] prompts = {OrtDecoderTest.prompt(19, 1), OrtDecoderTest.prompt(4, 2), OrtDecoderTest.prompt(11, 3)};
        float[] want = new float[3 * v], got = new float[3 * v];
        for (String m : VARIANTS.keySet()) {
            try (DecodeBatch full = model("plain").newBatch(4);
                    DecodeBatch last = model(m).newBatch(4)) {
                full.prefill(prompts, want);
                for (int from = 0; from < 19; from += 5) {
                    last.prefill(prompts, from, Math.min(19, from + 5), got);
                }
                for (int r = 0; r < 3; r++) {
                    OrtDecoderTest.assertClose(got, r * v, java.util.Arrays.copyOfRange(want, r * v, (r + 1) * v));
                    full.appendPrefilled(r);
                    last.appendPrefilled(r);
                }
                int[] next = {5, 6, 7};
                for (int step = 0; step < 4; step++) {
                    full.step(next, want);
                    last.step(next, got);
                    for (int r = 0; r < 3; r++) {
                        OrtDecoderTest.assertClose(got, r * v, java.util.Arrays.copyOfRange(want, r * v, (r + 1) * v));
                        next[r] = OrtDecoderTest.argmax(java.util.Arrays.copyOfRange(want, r * v, (r + 1) * v));
                    }
                }
            }
        }
    }

    /** fp16 logits (the float32 LM head Cast at the edge), last position only through logits_to_keep. */
    @Test
    void fp16LogitsToKeepGraphDecodesAsTheFp16FullLogitsGraph() throws Exception {
        OnnxExporter.ExportOptions half =
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT16, Long.MAX_VALUE);
        Path plain16 = TestBundles.write(ref, dir.resolve("plain16"), half);
        Path keep16 = BundleLayoutTest.copyOf(plain16, dir.resolve("keep16"));
        TestGraphs.logitsToKeep(keep16.resolve("model.onnx"), "num_logits_to_keep", true);
        registry.load("plain16", plain16, false, null);
        registry.load("keep16", keep16, false, null);
        try {
            assertThat(model("keep16").logits().float16()).isTrue();
            for (int len : new int[] {1, 5, 30}) {
                int[] p = OrtDecoderTest.prompt(len, 40 + len);
                assertThat(run("keep16", p, 16)).as("prompt of %d", len).isEqualTo(run("plain16", p, 16));
            }
            assertThat(model("keep16").logits().lastOnly()).isTrue();
        } finally {
            registry.unload("plain16");
            registry.unload("keep16");
        }
    }

    @Test
    void aLogitsOutputOfAnUnusableShapeIsRefusedAtLoadNamingItAndItsShape() throws Exception {
        Path bad = BundleLayoutTest.copyOf(dir.resolve("plain"), dir.resolve("rank-4"));
        TestGraphs.unusableLogits(bad.resolve("model.onnx"));
        assertThatThrownBy(() -> registry.load("bad", bad, false, null))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageContainingAll(
                        "output 'logits'", "[batch_size, sequence_length, 1, " + TestBundles.vocab() + "]");
        assertThat(registry.find("bad")).isEmpty();
    }

    @Test
    void aResultThatContradictsTheDeclaredShapeFailsTheRequestNamingBoth() throws Exception {
        Path lying = BundleLayoutTest.copyOf(dir.resolve("plain"), dir.resolve("lying"));
        TestGraphs.squeezedLogits(lying.resolve("model.onnx"));
        registry.load("lying", lying, false, null);
        try {
            Collector c = new Collector();
            engine.generate(greedy("lying", OrtDecoderTest.prompt(9, 1), 4), c);
            assertThatThrownBy(c::await)
                    .hasMessageContainingAll(
                            "output 'logits' came out [9, " + TestBundles.vocab() + "] for 1 rows of 9 positions");
        } finally {
            registry.unload("lying");
        }
    }
}
