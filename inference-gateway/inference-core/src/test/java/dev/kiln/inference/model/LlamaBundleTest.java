package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.Collector;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.LlamaModel;
import dev.kiln.trainer.OnnxExporter;
import dev.kiln.trainer.TokenDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama bundles exported by trainer-core (grouped-query attention, untied head, weights as ONNX
 * external data; and an fp16 one) served by the gateway's loader and scheduler, against the
 * trainer's Java KV-cache decoder of the same weights.
 */
class LlamaBundleTest {
    @TempDir
    static Path dir;

    static LlamaModel ref;
    static ModelRegistry registry;
    static InferenceEngine engine;
    static LoadedModel loaded;

    @BeforeAll
    static void setUp() throws Exception {
        ref = TestBundles.randomLlama(
                new LlamaConfig(2, 4, 2, 64, 96, 128, TestBundles.vocab(), 320, 10_000f, 1e-5f, false), 11);
        TestBundles.write(ref, dir.resolve("llama"), new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, 0));
        registry = new ModelRegistry(
                new ModelRegistry.Settings(OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(8, 64), n -> null),
                dev.kiln.inference.engine.EngineMetrics.NONE);
        loaded = registry.load("llama", dir.resolve("llama"), false, null);
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static List<Integer> referenceGreedy(int[] prompt, int n) {
        return referenceGreedy(ref, prompt, n);
    }

    /** Greedy continuation by the trainer's Java KV-cache decoder of the same weights. */
    static List<Integer> referenceGreedy(LlamaModel model, int[] prompt, int n) {
        return OrtDecoderTest.greedy(model.decoder(), prompt, n);
    }

    @Test
    void readsTheGroupedQueryShapeFromTheExternalDataBundle() {
        assertThat(dir.resolve("llama/model.onnx_data")).exists();
        var s = loaded.model().shape();
        assertThat(s.layers()).isEqualTo(2);
        assertThat(s.kvHeads()).isEqualTo(2);
        assertThat(s.headDim()).isEqualTo(16);
        assertThat(s.context()).isEqualTo(128);
        assertThat(s.vocab()).isEqualTo(TestBundles.vocab());
    }

    @Test
    void logitsMatchTheJavaDecoderLeftPaddedInABatch() {
        int v = loaded.model().shape().vocab();
        int[][] prompts = {OrtDecoderTest.prompt(3, 1), OrtDecoderTest.prompt(11, 2)};
        TokenDecoder[] refs = new TokenDecoder[prompts.length];
        int[] next = new int[prompts.length];
        try (DecodeBatch batch = loaded.model().newBatch(2)) {
            float[] first = new float[v];
            for (int i = 0; i < prompts.length; i++) {
                refs[i] = ref.decoder();
                float[] want = refs[i].prefill(prompts[i]);
                batch.prefill(prompts[i], first);
                assertClose(first, 0, want, 2e-4f);
                batch.appendPrefilled();
                next[i] = OrtDecoderTest.argmax(want);
            }
            float[] logits = new float[2 * v];
            for (int step = 0; step < 8; step++) {
                batch.step(next, logits);
                for (int i = 0; i < prompts.length; i++) {
                    float[] want = refs[i].step(next[i]);
                    assertClose(logits, i * v, want, 2e-4f);
                    next[i] = OrtDecoderTest.argmax(want);
                }
            }
        }
    }

    @Test
    void greedyGenerationEqualsTheJavaReference() throws Exception {
        int[] p = OrtDecoderTest.prompt(7, 4);
        Collector c = new Collector();
        engine.generate(new InferenceEngine.Command("llama", null, p, 40, SamplingSpec.greedy(), List.of(), true), c);
        assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.tokens()).isEqualTo(referenceGreedy(p, 40));
    }

    @Test
    void fp16BundleServesWithAHalfPrecisionCache() throws Exception {
        Path half = TestBundles.write(
                ref,
                dir.resolve("llama-fp16"),
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT16, 1L << 30));
        assertThat(Files.exists(half.resolve("model.onnx_data"))).isFalse();
        LoadedModel m = registry.load("llama-fp16", half, false, null);
        assertThat(m.model().shape().kvFloat16()).isTrue();
        int[] p = OrtDecoderTest.prompt(5, 9);
        float[] want = ref.decoder().prefill(p);
        try (DecodeBatch batch = m.model().newBatch(1)) {
            float[] got = new float[want.length];
            batch.prefill(p, got);
            assertClose(got, 0, want, 3e-2f);
        }
    }

    static void assertClose(float[] got, int off, float[] want, float tol) {
        for (int i = 0; i < want.length; i++) {
            assertThat(got[off + i]).as("logit %d", i).isCloseTo(want[i], within(tol));
        }
    }
}
