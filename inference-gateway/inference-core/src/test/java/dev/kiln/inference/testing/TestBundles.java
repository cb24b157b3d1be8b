package dev.kiln.inference.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.tokenizer.BundleTokenizerFiles;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.Pretokenizer;
import dev.kiln.tokenizer.RankTable;
import dev.kiln.tokenizer.TiktokenRankFile;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.GptModel;
import dev.kiln.trainer.LanguageModel;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.LlamaModel;
import dev.kiln.trainer.OnnxExporter;
import dev.kiln.trainer.ParamTensor;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Real model bundles for tests: a random GPT-2 from trainer-core, exported by its OnnxExporter,
 * with a small byte-level BPE (256 bytes + a few English merges + {@code <|endoftext|>}) written
 * as a .tiktoken file through tokenizer-core.
 */
public final class TestBundles {
    private static final List<String> MERGES = List.of(
            "th", "he", "in", "er", "an", "re", "on", " t", " a", " s", "the", " the", "nd", "at", "en", "es", "or",
            "te", "ed", "is", "it", "ou", "ar", "al", " o", " w", "ing", " and", " of", " to", "ll", "hat", " that",
            "st", "le", "ve", " be", "se", "me", "ly");

    public static final String EOS = "<|endoftext|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestBundles() {}

    /** The test tokenizer: 256 byte tokens, the merges above, then EOS. */
    public static Encoding encoding() {
        RankTable.Builder b = new RankTable.Builder();
        int id = 0;
        for (int i = 0; i < 256; i++) {
            b.add(new byte[] {(byte) i}, id, id);
            id++;
        }
        for (String m : MERGES) {
            b.add(m.getBytes(StandardCharsets.UTF_8), id, id);
            id++;
        }
        return Encoding.of("kiln-test", Pretokenizer.R50K_PATTERN, b.build(), Map.of(EOS, id));
    }

    public static int vocab() {
        return 256 + MERGES.size() + 1;
    }

    public static int eosId() {
        return vocab() - 1;
    }

    /** A random model with parameters perturbed so LayerNorms and biases are not trivial. */
    public static GptModel randomModel(GptConfig cfg, long seed) {
        GptModel model = GptModel.create(cfg, new ThreadPool(1), seed);
        Rng r = new Rng(seed + 1);
        for (ParamTensor t : model.tensors()) {
            int real = t.name().equals("wte.weight") ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                model.params[t.offset() + i] += (float) (r.nextGaussian() * 0.1);
            }
        }
        return model;
    }

    /** A random Llama with every weight perturbed off its init (RMSNorm gains included). */
    public static LlamaModel randomLlama(LlamaConfig cfg, long seed) {
        LlamaModel model = LlamaModel.create(cfg, new ThreadPool(1), seed);
        Rng r = new Rng(seed + 1);
        for (ParamTensor t : model.tensors()) {
            int real = t.vocabRows() ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                model.params[t.offset() + i] += (float) (r.nextGaussian() * 0.1);
            }
        }
        return model;
    }

    /** Exports a model + the test tokenizer into dir. Greedy by default (temperature 0 in generation_config). */
    public static Path write(LanguageModel model, Path dir) throws IOException {
        return write(model, dir, OnnxExporter.ExportOptions.DEFAULT);
    }

    /** As {@link #write(LanguageModel, Path)} with export options (fp16, external data). */
    public static Path write(LanguageModel model, Path dir, OnnxExporter.ExportOptions options) throws IOException {
        Encoding enc = encoding();
        OnnxExporter.exportBundle(
                model,
                dir,
                -1,
                eosId(),
                new OnnxExporter.GenerationDefaults(0f, 0, 1f, 64),
                options,
                d -> BundleTokenizerFiles.writeTiktoken(enc, d));
        return dir;
    }

    /**
     * Exports a GPT-2-vocabulary model (vocab 50257) with the real GPT-2 tokenizer (tiktoken's
     * r50k_base, from tokenizer-core's built-ins) as r50k_base.tiktoken.
     */
    public static Path writeGpt2Tokenizer(GptModel model, Path dir) throws IOException {
        Encoding r50k = dev.kiln.tokenizer.EncodingRegistry.getDefault().get("r50k_base");
        OnnxExporter.exportBundle(
                model,
                dir,
                50256,
                50256,
                new OnnxExporter.GenerationDefaults(0f, 0, 1f, 64),
                d -> TiktokenRankFile.write(r50k, d.resolve("r50k_base.tiktoken")));
        return dir;
    }

    /** A small model: 2 layers, 4 heads, 64 channels, context 128. */
    public static GptConfig small() {
        return GptConfig.of(2, 4, 64, 128, vocab());
    }
}
