package dev.kiln.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.inference.model.DecodeBatch;
import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.Collector;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.KvCacheDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long prompts: a 4,000-token prompt on a 128,256-token vocabulary (whose full prompt logits
 * would be 2 GB), and chunked prefill giving the same greedy tokens as one pass, solo and while
 * other requests decode.
 */
class ChunkedPrefillTest {
    static final int BIG_VOCAB = 128_256;

    @TempDir
    static Path dir;

    static GptModel small;
    static ModelRegistry whole, chunked;
    static InferenceEngine wholeEngine, chunkedEngine;

    @BeforeAll
    static void setUp() throws Exception {
        small = TestBundles.randomModel(TestBundles.small(), 21);
        TestBundles.write(small, dir.resolve("small"));
        // n_embd 8, one layer: the vocabulary is what is big, the test stays fast.
        TestBundles.write(TestBundles.randomModel(GptConfig.of(1, 2, 8, 4096, BIG_VOCAB), 5), dir.resolve("big"));
        whole = registry(100_000);
        chunked = registry(7);
        wholeEngine = new InferenceEngine(whole);
        chunkedEngine = new InferenceEngine(chunked);
    }

    static ModelRegistry registry(int chunk) {
        ModelRegistry r = new ModelRegistry(
                new ModelRegistry.Settings(
                        OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(4, 16, chunk), n -> null),
                EngineMetrics.NONE);
        r.load("small", dir.resolve("small"), false, null);
        r.load("big", dir.resolve("big"), false, null);
        return r;
    }

    @AfterAll
    static void tearDown() {
        whole.close();
        chunked.close();
    }

    static int[] prompt(int len, int salt) {
        int[] p = new int[len];
        for (int i = 0; i < len; i++) {
            p[i] = (i * 37 + salt * 11 + 3) % (TestBundles.vocab() - 1);
        }
        return p;
    }

    static InferenceEngine.Command greedy(String model, int[] prompt, int n) {
        return new InferenceEngine.Command(model, null, prompt, n, SamplingSpec.greedy(), List.of(), true);
    }

    static List<Integer> run(InferenceEngine engine, InferenceEngine.Command c) throws Exception {
        Collector col = new Collector();
        engine.generate(c, col);
        assertThat(col.await()).isEqualTo(FinishReason.LENGTH);
        return col.tokens();
    }

    static List<Integer> reference(int[] prompt, int n) {
        KvCacheDecoder d = small.decoder();
        float[] logits = d.prefill(prompt);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = dev.kiln.inference.sampling.Sampler.argmax(logits, logits.length);
            out.add(t);
            if (i + 1 < n) {
                logits = d.step(t);
            }
        }
        return out;
    }

    @Test
    void aFourThousandTokenPromptOnA128kVocabularyDecodesTheSameInChunksAsInOnePass() throws Exception {
        int[] p = prompt(4000, 1);
        List<Integer> solo = run(wholeEngine, greedy("big", p, 6));
        assertThat(solo).hasSize(6);
        assertThat(run(chunkedEngine, greedy("big", p, 6))).isEqualTo(solo);
    }

    @Test
    void chunkedPrefillLogitsEqualOnePass() {
        var model = whole.get("big").model();
        int v = model.shape().vocab();
        int[] p = prompt(1500, 2);
        float[] one = new float[v], parts = new float[v];
        try (DecodeBatch a = model.newBatch(1);
                DecodeBatch b = model.newBatch(1)) {
            a.prefill(p, one);
            for (int from = 0; from < p.length; from += 400) {
                b.prefill(new int[][] {p}, from, Math.min(p.length, from + 400), parts);
            }
            for (int i = 0; i < v; i++) {
                assertThat(parts[i]).as("logit %d", i).isCloseTo(one[i], within(1e-4f));
            }
            a.appendPrefilled();
            b.appendPrefilled();
            assertThat(b.length(0)).isEqualTo(1500);
        }
    }

    @Test
    void greedyWithSmallChunksEqualsTheJavaReferenceSoloAndBatched() throws Exception {
        int[][] prompts = {prompt(100, 3), prompt(9, 4), prompt(64, 5), prompt(33, 6), prompt(64, 7)};
        List<List<Integer>> want = new ArrayList<>();
        for (int[] p : prompts) {
            want.add(reference(p, 20));
        }
        for (int i = 0; i < prompts.length; i++) {
            assertThat(run(chunkedEngine, greedy("small", prompts[i], 20)))
                    .as("solo %d", i)
                    .isEqualTo(want.get(i));
        }
        // Together: more requests than the batch of 4, so the later ones are prefilled in chunks
        // between the decode steps of the running ones.
        List<Collector> together = new ArrayList<>();
        for (int[] p : prompts) {
            Collector c = new Collector();
            chunkedEngine.generate(greedy("small", p, 20), c);
            together.add(c);
        }
        for (int i = 0; i < prompts.length; i++) {
            together.get(i).await();
            assertThat(together.get(i).tokens()).as("batched %d", i).isEqualTo(want.get(i));
        }
    }

    @Test
    void aLongPromptJoiningRunningStreamsLeavesTheirOutputUnchanged() throws Exception {
        int[] shortPrompt = prompt(5, 8);
        List<Integer> shortSolo = run(chunkedEngine, greedy("big", shortPrompt, 40));
        List<Integer> longSolo = run(wholeEngine, greedy("big", prompt(3000, 9), 4));
        Collector running = new Collector(), joining = new Collector();
        chunkedEngine.generate(greedy("big", shortPrompt, 40), running);
        chunkedEngine.generate(greedy("big", prompt(3000, 9), 4), joining);
        running.await();
        joining.await();
        assertThat(running.tokens()).isEqualTo(shortSolo);
        assertThat(joining.tokens()).isEqualTo(longSolo);
    }
}
