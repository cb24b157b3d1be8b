package dev.kiln.trainer;

import static dev.kiln.trainer.LlamaOnnxExportTest.FP16_TOL;
import static dev.kiln.trainer.LlamaOnnxExportTest.TOL;
import static dev.kiln.trainer.LlamaOnnxExportTest.checkAgainstJava;
import static dev.kiln.trainer.LlamaOnnxExportTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimum merged decoders (decoder_model_merged.onnx, {@code use_cache_branch}) from the exporter,
 * run by ONNX Runtime against the Java forward as the plain exports are: the first step through
 * the no-past branch, later steps through the with-past branch; fp32 within 1e-4, fp16 within the
 * fp16 tolerance; weights shared (one copy, not two); external data named after the merged file.
 */
class MergedDecoderExportTest {
    static ThreadPool pool;

    @BeforeAll
    static void setUp() {
        pool = new ThreadPool(2);
        LlamaOnnxExportTest.pool = pool;
        LlamaOnnxExportTest.env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static final OnnxExporter.ExportOptions MERGED_FP32 =
            new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, Long.MAX_VALUE, true);

    static Path export(LanguageModel m, Path dir, OnnxExporter.ExportOptions options) throws Exception {
        OnnxExporter.exportBundle(m, dir, -1, 0, OnnxExporter.GenerationDefaults.DEFAULT, options, null);
        return dir.resolve(OnnxExporter.MERGED_MODEL_FILE);
    }

    /** Perturbed off its init so every weight carries signal (GPT-2's LayerNorms and biases too). */
    static LanguageModel perturbed(TransformerConfig cfg, long seed) {
        LanguageModel m = LanguageModel.create(cfg, pool, seed);
        Rng r = new Rng(seed + 1);
        for (ParamTensor t : m.tensors()) {
            int real = t.vocabRows() ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                m.params()[t.offset() + i] += (float) (r.nextGaussian() * 0.1);
            }
        }
        return m;
    }

    @Test
    void llamaMergedDecoderMatchesTheJavaForwardThroughBothBranches(@TempDir Path dir) throws Exception {
        LanguageModel m = perturbed(LlamaOnnxExportTest.CFG, 31);
        Path merged = export(m, dir, MERGED_FP32);
        assertThat(dir.resolve(OnnxExporter.MODEL_FILE)).doesNotExist();
        try (OrtSession s = session(merged)) {
            TensorInfo branch = (TensorInfo)
                    s.getInputInfo().get(OnnxExporter.USE_CACHE_BRANCH).getInfo();
            assertThat(branch.type).isEqualTo(OnnxJavaType.BOOL);
            assertThat(branch.getShape()).containsExactly(1L);
            assertThat(s.getInputNames())
                    .contains("input_ids", "attention_mask", "position_ids", "past_key_values.1.value");
            assertThat(s.getOutputNames())
                    .containsExactly("logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value");
            assertThat(checkAgainstJava(s, m, false)).isLessThan(TOL);
        }
    }

    @Test
    void gpt2MergedDecoderMatchesTheJavaForward(@TempDir Path dir) throws Exception {
        LanguageModel m = perturbed(GptConfig.of(2, 4, 32, 16, 97), 7);
        try (OrtSession s = session(export(m, dir, MERGED_FP32))) {
            assertThat(checkAgainstJava(s, m, false)).isLessThan(TOL);
        }
    }

    @Test
    void fp16MergedDecoderKeepsOneCopyOfTheWeights(@TempDir Path dir) throws Exception {
        LanguageModel m = perturbed(LlamaOnnxExportTest.CFG, 31);
        OnnxExporter.ExportOptions fp16 =
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT16, Long.MAX_VALUE);
        OnnxExporter.exportBundle(m, dir.resolve("plain"), -1, 0, OnnxExporter.GenerationDefaults.DEFAULT, fp16, null);
        long plain = Files.size(dir.resolve("plain").resolve(OnnxExporter.MODEL_FILE));
        Path merged = export(m, dir, new OnnxExporter.ExportOptions(fp16.precision(), Long.MAX_VALUE, true));
        long weights16 = 2L * m.config().realParameterCount();
        // the second branch adds its nodes, not a second copy of the weights
        assertThat(Files.size(merged) - plain).isLessThan(plain - weights16);
        try (OrtSession s = session(merged)) {
            assertThat(((TensorInfo) s.getInputInfo()
                                    .get("past_key_values.0.key")
                                    .getInfo())
                            .type)
                    .isEqualTo(OnnxJavaType.FLOAT16);
            assertThat(checkAgainstJava(s, m, true)).isLessThan(FP16_TOL);
        }
    }

    /** use_cache_branch=true over an empty cache is the same computation as the first-step branch. */
    @Test
    void bothBranchesAgreeOnAnEmptyCache(@TempDir Path dir) throws Exception {
        LlamaConfig cfg = LlamaOnnxExportTest.CFG;
        LanguageModel m = perturbed(cfg, 5);
        try (OrtSession s = session(export(m, dir, MERGED_FP32))) {
            float[] noPast = firstStepLogits(s, cfg, false), withPast = firstStepLogits(s, cfg, true);
            assertThat(LlamaOnnxExportTest.maxDiff(noPast, withPast)).isLessThan(1e-5f);
            assertThat(LlamaOnnxExportTest.maxDiff(noPast, m.forwardLogits(new int[] {4, 8, 15})[2]))
                    .isLessThan(TOL);
        }
    }

    private static float[] firstStepLogits(OrtSession s, LlamaConfig cfg, boolean branch) throws Exception {
        OrtEnvironment env = LlamaOnnxExportTest.env;
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", LlamaOnnxExportTest.longs(new long[][] {{4, 8, 15}}));
            in.put("attention_mask", LlamaOnnxExportTest.longs(new long[][] {{1, 1, 1}}));
            in.put("position_ids", LlamaOnnxExportTest.longs(new long[][] {{0, 1, 2}}));
            in.put(OnnxExporter.USE_CACHE_BRANCH, OnnxTensor.createTensor(env, new boolean[] {branch}));
            for (int l = 0; l < cfg.nLayer(); l++) {
                for (String kv : new String[] {"key", "value"}) {
                    in.put("past_key_values." + l + "." + kv, LlamaOnnxExportTest.floatTensor(new float[0], new long[] {
                        1, cfg.nKvHead(), 0, cfg.headDim()
                    }));
                }
            }
            try (OrtSession.Result r = s.run(in)) {
                float[] all =
                        LlamaOnnxExportTest.floats((OnnxTensor) r.get("logits").orElseThrow(), false);
                float[] last = new float[cfg.vocab()];
                System.arraycopy(all, 2 * cfg.vocab(), last, 0, cfg.vocab());
                return last;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void externalDataIsNamedAfterTheMergedFileAndTheOtherLayoutGoes(@TempDir Path dir) throws Exception {
        LanguageModel m = perturbed(LlamaOnnxExportTest.CFG, 3);
        OnnxExporter.exportBundle(m, dir, -1, 0, OnnxExporter.GenerationDefaults.DEFAULT, null);
        assertThat(dir.resolve(OnnxExporter.MODEL_FILE)).exists();
        Path merged = export(m, dir, new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, 0, true));
        assertThat(dir.resolve(OnnxExporter.MERGED_EXTERNAL_DATA_FILE)).exists();
        assertThat(dir.resolve(OnnxExporter.MODEL_FILE))
                .as("a bundle holds one graph, so a loader has nothing to choose between")
                .doesNotExist();
        assertThat(Files.size(dir.resolve(OnnxExporter.MERGED_EXTERNAL_DATA_FILE)))
                .isGreaterThanOrEqualTo(4L * m.config().realParameterCount());
        try (OrtSession s = session(merged)) {
            assertThat(checkAgainstJava(s, m, false)).isLessThan(TOL);
        }
    }
}
