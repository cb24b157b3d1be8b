package dev.kiln.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.Collector;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.trainer.GptConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight seeded streams on the GPT-2 vocabulary (8 x 50,257 logits a step, over the threshold
 * from which the scheduler shares sampling with helper threads when the machine has a second
 * core): each stream draws exactly what it draws alone.
 */
class ParallelSamplingTest {
    @TempDir
    static Path dir;

    static ModelRegistry registry;
    static InferenceEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        // one layer, 8 channels: the vocabulary is what is big, the test stays fast
        TestBundles.writeGpt2Tokenizer(TestBundles.randomModel(GptConfig.of(1, 2, 8, 128, 50257), 3), dir);
        registry = new ModelRegistry(
                new ModelRegistry.Settings(OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(8, 16), n -> null),
                EngineMetrics.NONE);
        registry.load("gpt2v", dir, false, null);
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static InferenceEngine.Command sampled(int i) {
        int[] prompt = {464 + i, 3290, 318 + 7 * i};
        // Top-k keeps the draw among well-separated logits: over the whole flat vocabulary of a
        // random model, float noise between batch sizes (1e-6) could reorder near-ties.
        SamplingSpec spec = new SamplingSpec(0.8f, 20, i % 2 == 0 ? 0.9f : null, null, 1.1f, 1000L + i);
        return new InferenceEngine.Command("gpt2v", null, prompt, 16, spec, List.of(), true);
    }

    @Test
    void seededStreamsSampledTogetherDrawWhatTheyDrawAlone() throws Exception {
        List<List<Integer>> solo = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Collector c = new Collector();
            engine.generate(sampled(i), c);
            assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
            solo.add(c.tokens());
        }
        assertThat(solo.stream().distinct().count())
                .as("different seeds draw differently")
                .isGreaterThan(1);
        List<Collector> together = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Collector c = new Collector();
            engine.generate(sampled(i), c);
            together.add(c);
        }
        for (int i = 0; i < 8; i++) {
            assertThat(together.get(i).await()).isEqualTo(FinishReason.LENGTH);
            assertThat(together.get(i).tokens()).as("stream %d", i).isEqualTo(solo.get(i));
        }
    }
}
