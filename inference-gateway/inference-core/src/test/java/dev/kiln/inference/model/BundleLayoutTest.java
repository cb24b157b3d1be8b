package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.EngineMetrics;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder layouts people bring, served from bundles trainer-core exports: Optimum's merged
 * decoder (decoder_model_merged.onnx with use_cache_branch) greedy token for token equal to the
 * plain bundle, alone and batched; onnx/model.onnx as Hugging Face ONNX repositories hold it;
 * onnxruntime-genai's model builder folder (genai_config.json naming the graph, no config.json).
 * And a bundle that cannot be served is refused at load, naming the missing piece.
 */
class BundleLayoutTest {
    @TempDir
    static Path dir;

    static LlamaModel ref;
    static Path plain;
    static ModelRegistry registry;
    static InferenceEngine engine;

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void setUp() throws Exception {
        ref = TestBundles.randomLlama(
                new LlamaConfig(2, 4, 2, 64, 96, 128, TestBundles.vocab(), 320, 10_000f, 1e-5f, false), 23);
        plain = TestBundles.write(ref, dir.resolve("plain"));
        TestBundles.write(
                ref,
                dir.resolve("merged"),
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, Long.MAX_VALUE, true));
        registry = new ModelRegistry(
                new ModelRegistry.Settings(OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(8, 64), n -> null),
                EngineMetrics.NONE);
        registry.load("plain", plain, false, null);
        registry.load("merged", dir.resolve("merged"), false, null);
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static List<Integer> greedy(String model, int[] prompt, int n) throws Exception {
        Collector c = new Collector();
        engine.generate(new InferenceEngine.Command(model, null, prompt, n, SamplingSpec.greedy(), List.of(), true), c);
        assertThat(c.await()).isEqualTo(FinishReason.LENGTH);
        return c.tokens();
    }

    @Test
    void mergedDecoderGreedyEqualsThePlainBundleTokenForToken() throws Exception {
        LoadedModel merged = registry.get("merged");
        assertThat(merged.config().modelFile()).isEqualTo(OnnxExporter.MERGED_MODEL_FILE);
        assertThat(((OrtDecoderModel) merged.model()).io().useCacheBranch()).isEqualTo("use_cache_branch");
        for (int salt = 0; salt < 3; salt++) {
            int[] p = OrtDecoderTest.prompt(4 + 5 * salt, salt);
            List<Integer> want = greedy("plain", p, 30);
            assertThat(greedy("merged", p, 30)).as("prompt %d", salt).isEqualTo(want);
            assertThat(want).isEqualTo(LlamaBundleTest.referenceGreedy(ref, p, 30));
        }
    }

    @Test
    void mergedDecoderBatchedEqualsSolo() throws Exception {
        int n = 10; // more than the batch of 8: some join while others decode
        List<List<Integer>> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            solo.add(greedy("merged", OrtDecoderTest.prompt(2 + i, i), 12));
        }
        List<Collector> together = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Collector c = new Collector();
            engine.generate(
                    new InferenceEngine.Command(
                            "merged",
                            null,
                            OrtDecoderTest.prompt(2 + i, i),
                            12,
                            SamplingSpec.greedy(),
                            List.of(),
                            true),
                    c);
            together.add(c);
        }
        for (int i = 0; i < n; i++) {
            together.get(i).await();
            assertThat(together.get(i).tokens()).as("request %d", i).isEqualTo(solo.get(i));
        }
    }

    @Test
    void fp16MergedDecoderServesAsTheFp16PlainOne() throws Exception {
        OnnxExporter.ExportOptions half =
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT16, Long.MAX_VALUE);
        Path plain16 = TestBundles.write(ref, dir.resolve("plain16"), half);
        Path merged16 = TestBundles.write(
                ref, dir.resolve("merged16"), new OnnxExporter.ExportOptions(half.precision(), Long.MAX_VALUE, true));
        assertThat(registry.load("plain16", plain16, false, null)
                        .model()
                        .shape()
                        .kvFloat16())
                .isTrue();
        assertThat(registry.load("merged16", merged16, false, null)
                        .model()
                        .shape()
                        .kvFloat16())
                .isTrue();
        int[] p = OrtDecoderTest.prompt(9, 4);
        assertThat(greedy("merged16", p, 20)).isEqualTo(greedy("plain16", p, 20));
    }

    @Test
    void onnxSubfolderLayoutServes() throws Exception {
        Path hub = copyOf(plain, dir.resolve("hub"));
        Files.createDirectories(hub.resolve("onnx"));
        Files.move(hub.resolve("model.onnx"), hub.resolve("onnx/model.onnx"));
        LoadedModel m = registry.load("hub", hub, false, null);
        assertThat(m.config().modelFile()).isEqualTo("onnx/model.onnx");
        assertThat(m.sha256()).isEqualTo(ModelRegistry.sha256(hub.resolve("onnx/model.onnx")));
        int[] p = OrtDecoderTest.prompt(6, 1);
        assertThat(greedy("hub", p, 16)).isEqualTo(greedy("plain", p, 16));
    }

    /** onnxruntime-genai's model builder writes genai_config.json (no config.json) naming its graph. */
    @Test
    void genaiConfigLayoutServesTheGraphItNames() throws Exception {
        Path genai = copyOf(plain, dir.resolve("genai"));
        Files.delete(genai.resolve("config.json"));
        Files.delete(genai.resolve("generation_config.json"));
        Files.move(genai.resolve("model.onnx"), genai.resolve("kiln-llama-cpu.onnx"));
        int eos = TestBundles.eosId();
        Files.writeString(genai.resolve("genai_config.json"), """
                {"model": {
                  "bos_token_id": %1$d, "context_length": 128, "eos_token_id": [%1$d, 7], "pad_token_id": %1$d,
                  "type": "llama", "vocab_size": %2$d,
                  "decoder": {
                    "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                    "filename": "kiln-llama-cpu.onnx", "head_size": 16, "hidden_size": 64,
                    "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                               "position_ids": "position_ids",
                               "past_key_names": "past_key_values.%%d.key", "past_value_names": "past_key_values.%%d.value"},
                    "outputs": {"logits": "logits",
                                "present_key_names": "present.%%d.key", "present_value_names": "present.%%d.value"},
                    "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2}},
                 "search": {"do_sample": false, "max_length": 128, "num_beams": 1}}
                """.formatted(eos, TestBundles.vocab()));
        LoadedModel m = registry.load("genai", genai, false, null);
        assertThat(m.config().modelFile()).isEqualTo("kiln-llama-cpu.onnx");
        assertThat(m.config().modelType()).isEqualTo("llama");
        assertThat(m.config().eosTokenIds()).containsExactly(eos, 7);
        assertThat(m.config().nKvHead()).isEqualTo(2);
        assertThat(m.config().nEmbd()).isEqualTo(64);
        assertThat(m.model().shape().context()).isEqualTo(128);
        int[] p = OrtDecoderTest.prompt(5, 2);
        assertThat(greedy("genai", p, 16)).isEqualTo(greedy("plain", p, 16));
    }

    @Test
    void unservableBundlesAreRefusedNamingTheMissingPiece() throws Exception {
        Path noModel = copyOf(plain, dir.resolve("no-model"));
        Files.delete(noModel.resolve("model.onnx"));
        Files.createDirectory(noModel.resolve("model.onnx")); // a directory where the file should be
        assertRefused(noModel, "no model file", "decoder_model_merged.onnx", "onnx/model.onnx");

        Path noVocab = copyOf(plain, dir.resolve("no-vocab"));
        ObjectNode cfg =
                (ObjectNode) JSON.readTree(noVocab.resolve("config.json").toFile());
        cfg.remove("vocab_size");
        JSON.writeValue(noVocab.resolve("config.json").toFile(), cfg);
        assertRefused(noVocab, "vocab_size");

        Path notMerged = copyOf(plain, dir.resolve("not-merged"));
        Files.move(notMerged.resolve("model.onnx"), notMerged.resolve(OnnxExporter.MERGED_MODEL_FILE));
        assertRefused(notMerged, "decoder_model_merged.onnx has no use_cache_branch input");

        Path noTokenizer = copyOf(plain, dir.resolve("no-tokenizer"));
        try (Stream<Path> files = Files.list(noTokenizer)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("tokenizer")
                        || f.getFileName().toString().endsWith(".tiktoken")) {
                    Files.delete(f);
                }
            }
        }
        assertRefused(noTokenizer, "no tokenizer", "tokenizer.json");

        Path outside = copyOf(plain, dir.resolve("genai-outside"));
        Files.writeString(
                outside.resolve("genai_config.json"),
                "{\"model\": {\"decoder\": {\"filename\": \"../plain/model.onnx\"}}}");
        assertRefused(outside, "model.decoder.filename", "outside the bundle");

        Path dirConfig = copyOf(plain, dir.resolve("dir-config"));
        Files.delete(dirConfig.resolve("config.json"));
        Files.createDirectory(dirConfig.resolve("config.json"));
        assertRefused(dirConfig, "config.json is not a regular file");

        assertRefused(plain.resolve("model.onnx"), "is not a directory");
        assertThat(registry.find("x")).isEmpty();
    }

    /** A FIFO would block a reader forever: it is refused as not a regular file, never opened. */
    @Test
    void specialFilesAreRefusedWithoutBeingRead() throws Exception {
        Path fifoConfig = copyOf(plain, dir.resolve("fifo-config"));
        Files.delete(fifoConfig.resolve("config.json"));
        mkfifo(fifoConfig.resolve("config.json"));
        assertRefused(fifoConfig, "config.json is not a regular file");

        Path fifoModel = copyOf(plain, dir.resolve("fifo-model"));
        Files.delete(fifoModel.resolve("model.onnx"));
        mkfifo(fifoModel.resolve("model.onnx"));
        assertRefused(fifoModel, "no model file");

        mkfifo(dir.resolve("fifo-bundle"));
        assertRefused(dir.resolve("fifo-bundle"), "is not a directory");
    }

    static void mkfifo(Path p) throws Exception {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(proc.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).isZero();
    }

    static void assertRefused(Path bundle, String... messageParts) {
        assertThatThrownBy(() -> registry.load("x", bundle, false, null))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageContainingAll(messageParts);
    }

    static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
