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
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.KvCacheDecoder;
import dev.kiln.trainer.TokenDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX Runtime path against trainer-core's plain Java forward of the same weights: logits
 * per step (alone and left-padded in a batch) and whole greedy generations through the scheduler.
 */
class OrtDecoderTest {
    @TempDir
    static Path dir;

    static GptModel ref;
    static ModelRegistry registry;
    static InferenceEngine engine;
    static LoadedModel loaded;

    @BeforeAll
    static void setUp() throws Exception {
        ref = TestBundles.randomModel(TestBundles.small(), 7);
        TestBundles.write(ref, dir.resolve("m"));
        registry = new ModelRegistry(
                new ModelRegistry.Settings(OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(8, 64), n -> null),
                dev.kiln.inference.engine.EngineMetrics.NONE);
        loaded = registry.load("m", dir.resolve("m"), false, null);
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static int[] prompt(int len, int salt) {
        int[] p = new int[len];
        for (int i = 0; i < len; i++) {
            p[i] = (i * 31 + salt * 17 + 5) % (TestBundles.vocab() - 1);
        }
        return p;
    }

    static List<Integer> referenceGreedy(int[] prompt, int n) {
        return greedy(ref.decoder(), prompt, n);
    }

    /** Greedy continuation of {@code prompt} by a Java reference decoder of the same weights. */
    static List<Integer> greedy(TokenDecoder d, int[] prompt, int n) {
        float[] logits = d.prefill(prompt);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = argmax(logits);
            out.add(t);
            if (i + 1 < n) {
                logits = d.step(t);
            }
        }
        return out;
    }

    static int argmax(float[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[b]) {
                b = i;
            }
        }
        return b;
    }

    @Test
    void readsTheShapeFromTheGraph() {
        var s = loaded.model().shape();
        assertThat(s.layers()).isEqualTo(2);
        assertThat(s.kvHeads()).isEqualTo(4);
        assertThat(s.headDim()).isEqualTo(16);
        assertThat(s.context()).isEqualTo(128);
        assertThat(s.vocab()).isEqualTo(TestBundles.vocab());
        assertThat(s.kvFloat16()).isFalse();
        assertThat(loaded.model().io().positionIds()).isEqualTo("position_ids");
        assertThat(loaded.model().io().useCacheBranch()).isNull();
        assertThat(loaded.model().provider()).isEqualTo(DecoderModel.Provider.CPU);
        assertThat(loaded.sha256()).hasSize(64);
    }

    @Test
    void logitsMatchTheJavaForwardAloneAndLeftPaddedInABatch() {
        int v = loaded.model().shape().vocab();
        int[][] prompts = {prompt(5, 1), prompt(17, 2), prompt(1, 3)};
        KvCacheDecoder[] refs = new KvCacheDecoder[prompts.length];
        float[][] refLogits = new float[prompts.length][];
        int[] next = new int[prompts.length];
        try (DecodeBatch batch = loaded.model().newBatch(4)) {
            float[] first = new float[v];
            for (int i = 0; i < prompts.length; i++) {
                refs[i] = ref.decoder();
                refLogits[i] = refs[i].prefill(prompts[i]);
                batch.prefill(prompts[i], first);
                assertClose(first, 0, refLogits[i]);
                batch.appendPrefilled();
                next[i] = argmax(refLogits[i]);
            }
            float[] logits = new float[4 * v];
            for (int step = 0; step < 12; step++) {
                batch.step(next, logits);
                for (int i = 0; i < prompts.length; i++) {
                    refLogits[i] = refs[i].step(next[i]);
                    assertClose(logits, i * v, refLogits[i]);
                    next[i] = argmax(refLogits[i]);
                }
                if (step == 5) { // the long one leaves: the others are compacted
                    batch.retain(new boolean[] {true, false, true});
                    prompts = new int[][] {prompts[0], prompts[2]};
                    refs = new KvCacheDecoder[] {refs[0], refs[2]};
                    refLogits = new float[][] {refLogits[0], refLogits[2]};
                    next = new int[] {next[0], next[2]};
                }
            }
            assertThat(batch.size()).isEqualTo(2);
            assertThat(batch.length(1)).isEqualTo(1 + 12);
        }
    }

    @Test
    void leavingRowsAreReplacedByTheLastRowsWithoutDisturbingAnyone() {
        int v = loaded.model().shape().vocab();
        int[][] prompts = {prompt(6, 4), prompt(9, 5), prompt(4, 6), prompt(12, 7), prompt(7, 8)};
        int n = prompts.length;
        KvCacheDecoder[] refs = new KvCacheDecoder[n];
        int[] next = new int[n];
        try (DecodeBatch batch = loaded.model().newBatch(8)) {
            float[] first = new float[v];
            for (int i = 0; i < n; i++) {
                refs[i] = ref.decoder();
                next[i] = argmax(refs[i].prefill(prompts[i]));
                batch.prefill(prompts[i], first);
                batch.appendPrefilled();
            }
            float[] logits = new float[8 * v];
            for (int step = 0; step < 9; step++) {
                batch.step(next, logits);
                for (int i = 0; i < refs.length; i++) {
                    float[] want = refs[i].step(next[i]);
                    assertClose(logits, i * v, want);
                    next[i] = argmax(want);
                }
                if (step == 3) { // rows 0 and 2 leave; the longest (3) stays, so nothing is compacted
                    int[] from = batch.retain(new boolean[] {false, true, false, true, true});
                    assertThat(from).containsExactly(4, 1, 3);
                    refs = new KvCacheDecoder[] {refs[4], refs[1], refs[3]};
                    next = new int[] {next[4], next[1], next[3]};
                    assertThat(batch.length(0)).isEqualTo(7 + 4);
                    assertThat(batch.length(2)).isEqualTo(12 + 4);
                }
                if (step == 6) { // the middle row leaves: the last takes its place
                    int[] from = batch.retain(new boolean[] {true, false, true});
                    assertThat(from).containsExactly(0, 2);
                    refs = new KvCacheDecoder[] {refs[0], refs[2]};
                    next = new int[] {next[0], next[2]};
                }
            }
            assertThat(batch.size()).isEqualTo(2);
        }
    }

    static void assertClose(float[] got, int off, float[] want) {
        for (int i = 0; i < want.length; i++) {
            assertThat(got[off + i]).as("logit %d", i).isCloseTo(want[i], within(2e-4f));
        }
    }

    @Test
    void greedyGenerationEqualsTheJavaReference() throws Exception {
        int[] p = prompt(9, 4);
        Collector c = new Collector();
        engine.generate(new InferenceEngine.Command("m", null, p, 60, SamplingSpec.greedy(), List.of(), true), c);
        assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.tokens()).isEqualTo(referenceGreedy(p, 60));
        assertThat(c.promptTokens).isEqualTo(9);
        assertThat(c.completionTokens).isEqualTo(60);
    }

    @Test
    void concurrentRequestsGetTheirSoloResults() throws Exception {
        int n = 12; // more than the batch of 8: some wait in the queue and join later
        List<Collector> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Collector c = new Collector();
            engine.generate(command(i), c);
            c.await();
            solo.add(c);
        }
        List<Collector> together = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Collector c = new Collector();
            engine.generate(command(i), c);
            together.add(c);
        }
        for (int i = 0; i < n; i++) {
            together.get(i).await();
            assertThat(together.get(i).tokens())
                    .as("request %d", i)
                    .isEqualTo(solo.get(i).tokens());
            assertThat(together.get(i).text.toString())
                    .isEqualTo(solo.get(i).text.toString());
        }
        // greedy ones also equal the Java reference
        assertThat(solo.get(0).tokens()).isEqualTo(referenceGreedy(prompt(3, 0), 10));
    }

    @Test
    void equalLengthPromptsPrefilledTogetherGetTheirSoloResults() throws Exception {
        int n = 8;
        List<List<Integer>> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            solo.add(referenceGreedy(prompt(6, 40 + i), 15));
        }
        List<Collector> together = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Collector c = new Collector();
            engine.generate(
                    new InferenceEngine.Command(
                            "m", null, prompt(6, 40 + i), 15, SamplingSpec.greedy(), List.of(), true),
                    c);
            together.add(c);
        }
        for (int i = 0; i < n; i++) {
            together.get(i).await();
            assertThat(together.get(i).tokens()).as("request %d", i).isEqualTo(solo.get(i));
        }
    }

    @Test
    void aBatchedPrefillGivesEachRowItsOwnLogits() {
        int v = loaded.model().shape().vocab();
        int[][] prompts = {prompt(7, 1), prompt(7, 2), prompt(7, 3)};
        try (DecodeBatch batch = loaded.model().newBatch(4)) {
            float[] logits = new float[4 * v];
            batch.prefill(prompts, logits);
            for (int i = 0; i < 3; i++) {
                assertClose(logits, i * v, ref.decoder().prefill(prompts[i]));
            }
            batch.appendPrefilled(2);
            batch.appendPrefilled(0);
            KvCacheDecoder r2 = ref.decoder(), r0 = ref.decoder();
            int a = argmax(r2.prefill(prompts[2])), b = argmax(r0.prefill(prompts[0]));
            batch.step(new int[] {a, b}, logits);
            assertClose(logits, 0, r2.step(a));
            assertClose(logits, v, r0.step(b));
        }
    }

    @Test
    void promptsOfDifferentLengthsPrefilledTogetherInChunksGetTheirOwnLogitsAndCaches() {
        int v = loaded.model().shape().vocab();
        int[][] prompts = {prompt(4, 1), prompt(11, 2), prompt(1, 3), prompt(9, 4)};
        try (DecodeBatch batch = loaded.model().newBatch(4)) {
            float[] logits = new float[4 * v];
            for (int from = 0; from < 11; from += 3) { // chunks cut through the padding
                batch.prefill(prompts, from, Math.min(11, from + 3), logits);
            }
            KvCacheDecoder[] refs = new KvCacheDecoder[4];
            int[] next = new int[4];
            for (int i = 0; i < 4; i++) {
                refs[i] = ref.decoder();
                float[] want = refs[i].prefill(prompts[i]);
                assertClose(logits, i * v, want);
                next[i] = argmax(want);
            }
            int[] order = {3, 0, 2, 1};
            for (int i : order) {
                batch.appendPrefilled(i);
            }
            assertThat(batch.length(0)).isEqualTo(9);
            assertThat(batch.length(2)).isEqualTo(1);
            int[] tokens = new int[4];
            for (int step = 0; step < 4; step++) {
                for (int r = 0; r < 4; r++) {
                    tokens[r] = next[order[r]];
                }
                batch.step(tokens, logits);
                for (int r = 0; r < 4; r++) {
                    float[] want = refs[order[r]].step(tokens[r]);
                    assertClose(logits, r * v, want);
                    next[order[r]] = argmax(want);
                }
            }
        }
    }

    /** Even i: greedy; odd i: seeded sampling with all filters on. Different lengths. */
    static InferenceEngine.Command command(int i) {
        SamplingSpec s = i % 2 == 0 ? SamplingSpec.greedy() : new SamplingSpec(0.9f, 50, 0.95f, 0.01f, 1.2f, 1000L + i);
        return new InferenceEngine.Command("m", null, prompt(3 + i * 3, i), 10 + i * 3, s, List.of(), true);
    }

    @Test
    void sameSeedSameOutput() throws Exception {
        SamplingSpec s = new SamplingSpec(1.0f, null, null, null, null, 42L);
        Collector a = new Collector(), b = new Collector(), c = new Collector();
        engine.generate(new InferenceEngine.Command("m", null, prompt(4, 9), 30, s, List.of(), true), a);
        engine.generate(new InferenceEngine.Command("m", null, prompt(4, 9), 30, s, List.of(), true), b);
        engine.generate(
                new InferenceEngine.Command(
                        "m",
                        null,
                        prompt(4, 9),
                        30,
                        new SamplingSpec(1.0f, null, null, null, null, 43L),
                        List.of(),
                        true),
                c);
        a.await();
        b.await();
        c.await();
        assertThat(a.tokens()).isEqualTo(b.tokens()).isNotEqualTo(c.tokens());
    }

    @Test
    void stopsAtTheConfiguredEos() throws Exception {
        // A random model rarely picks a particular id greedily, so declare as EOS (config.json's
        // eos_token_id) a token the reference produces at step 6, in a copy of the bundle.
        int[] p = prompt(4, 11);
        List<Integer> r = referenceGreedy(p, 30);
        int eos = r.get(6);
        int at = r.indexOf(eos);
        Path copy = dir.resolve("m-eos");
        java.nio.file.Files.createDirectories(copy);
        try (var files = java.nio.file.Files.list(dir.resolve("m"))) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        String cfg = java.nio.file.Files.readString(copy.resolve("config.json"));
        java.nio.file.Files.writeString(
                copy.resolve("config.json"),
                cfg.replaceAll("\"eos_token_id\"\\s*:\\s*\\d+", "\"eos_token_id\": " + eos));
        registry.load("m-eos", copy, false, null);
        try {
            Collector c = new Collector();
            engine.generate(
                    new InferenceEngine.Command("m-eos", null, p, 30, SamplingSpec.greedy(), List.of(), false), c);
            assertThat(c.await()).isEqualTo(FinishReason.EOS);
            assertThat(c.tokens()).isEqualTo(r.subList(0, at + 1));
            Collector ignoring = new Collector();
            engine.generate(
                    new InferenceEngine.Command("m-eos", null, p, 30, SamplingSpec.greedy(), List.of(), true),
                    ignoring);
            assertThat(ignoring.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(ignoring.tokens()).isEqualTo(r);
        } finally {
            registry.unload("m-eos");
        }
    }

    @Test
    void textMatchesTheTokenizer() throws Exception {
        Collector c = new Collector();
        engine.generate(
                new InferenceEngine.Command(
                        "m", "the cat and the hat", null, 25, SamplingSpec.greedy(), List.of(), true),
                c);
        c.await();
        int[] ids = c.tokens().stream().mapToInt(Integer::intValue).toArray();
        assertThat(c.text.toString()).isEqualTo(loaded.tokenizer().decode(ids));
        assertThat(c.promptTokens).isEqualTo(loaded.tokenizer().encodePrompt("the cat and the hat").length);
        assertThat(Arrays.stream(loaded.tokenizer().encodePrompt("the cat and the hat"))
                        .max()
                        .getAsInt())
                .isGreaterThan(255);
    }
}
