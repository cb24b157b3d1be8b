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

    /** ChatML's turn markers, special tokens of {@link #chatEncoding()} after EOS. */
    public static final String IM_START = "<|im_start|>";

    public static final String IM_END = "<|im_end|>";

    /** ChatML as Qwen 2.5 and SmolLM write it (the template of cases.json's dolphin-2.5-mixtral). */
    public static final String CHATML_TEMPLATE =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
                    + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
                    + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** The test tokenizer with ChatML's two special tokens after EOS. */
    public static Encoding chatEncoding() {
        Encoding base = encoding();
        Map<String, Integer> specials = new java.util.LinkedHashMap<>(base.specialTokens());
        specials.put(IM_START, vocab());
        specials.put(IM_END, vocab() + 1);
        return Encoding.of("kiln-chat-test", Pretokenizer.R50K_PATTERN, base.ranks(), specials);
    }

    /** A small model whose vocabulary holds {@link #chatEncoding()}. */
    public static GptConfig smallChat() {
        return GptConfig.of(2, 4, 64, 128, vocab() + 2);
    }

    /**
     * Exports a model with {@link #chatEncoding()} and a tokenizer_config.json carrying
     * {@code template} (omitted when null) and ChatML's eos_token, as Hugging Face writes them.
     */
    public static Path writeChat(GptModel model, Path dir, String template) throws IOException {
        Encoding enc = chatEncoding();
        OnnxExporter.exportBundle(
                model,
                dir,
                -1,
                eosId(),
                new OnnxExporter.GenerationDefaults(0f, 0, 1f, 64),
                d -> BundleTokenizerFiles.writeTiktoken(enc, d));
        Path cfg = dir.resolve(BundleTokenizerFiles.TOKENIZER_CONFIG);
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(cfg.toFile());
        node.put("bos_token", "").put("eos_token", IM_END);
        if (template != null) {
            node.put("chat_template", template);
        }
        JSON.writeValue(cfg.toFile(), node);
        return dir;
    }

    /** Rewrites generation_config.json's eos_token_id as a list. */
    public static void setEosIds(Path dir, int... ids) throws IOException {
        Path gen = dir.resolve("generation_config.json");
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(gen.toFile());
        var list = node.putArray("eos_token_id");
        for (int id : ids) {
            list.add(id);
        }
        JSON.writeValue(gen.toFile(), node);
    }

    /** A small model: 2 layers, 4 heads, 64 channels, context 128. */
    public static GptConfig small() {
        return GptConfig.of(2, 4, 64, 128, vocab());
    }
}
