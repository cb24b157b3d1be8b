package dev.kiln.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a bundle's JSON files the gateway uses: config.json (Kiln/GPT-2 names with
 * Llama-style fallbacks), generation_config.json (sampling defaults) and genai_config.json
 * (ONNX Runtime GenAI: file name and I/O names).
 */
public record BundleConfig(
        String modelType,
        int vocabSize,
        int nLayer,
        int nHead,
        int nKvHead,
        int nEmbd,
        int context,
        int bosTokenId,
        List<Integer> eosTokenIds,
        String modelFile,
        IoNames.Template io,
        GenerationDefaults generation) {

    /** Sampling defaults from generation_config.json; null fields are unset. */
    public record GenerationDefaults(Float temperature, Integer topK, Float topP, Float minP, Float repetitionPenalty) {
        public static GenerationDefaults none() {
            return new GenerationDefaults(null, null, null, null, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static BundleConfig read(Path dir) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new InvalidBundleException("no config.json in " + dir);
        }
        JsonNode c = JSON.readTree(cfgFile.toFile());
        JsonNode genai = null;
        Path genaiFile = dir.resolve("genai_config.json");
        if (Files.isRegularFile(genaiFile)) {
            genai = JSON.readTree(genaiFile.toFile()).path("model");
        }
        JsonNode dec = genai == null ? null : genai.path("decoder");
        int nHead = firstInt(c, dec, 0, "n_head", "num_attention_heads");
        int nEmbd = firstInt(c, dec, 0, "n_embd", "hidden_size");
        int nKv = firstInt(c, dec, nHead, "n_kv_head", "num_key_value_heads");
        int nLayer = firstInt(c, dec, 0, "n_layer", "num_hidden_layers");
        int vocab = firstInt(c, genai, 0, "vocab_size");
        int ctx = firstInt(c, genai, 0, "n_positions", "max_position_embeddings", "n_ctx", "context_length");
        if (vocab <= 0 || ctx <= 0) {
            throw new InvalidBundleException(
                    "config.json needs vocab_size and n_positions (or max_position_embeddings)");
        }
        // Every end-of-sequence id any of the files names ends generation: Llama 3.1 Instruct lists
        // three (128001, 128008, 128009), and Qwen 2.5 Instruct's generation_config.json adds
        // <|im_end|> to the single id of its config.json, as transformers' generate() reads them.
        Set<Integer> eos = new LinkedHashSet<>();
        addIds(eos, c.get("eos_token_id"));
        if (genai != null) {
            addIds(eos, genai.get("eos_token_id"));
        }
        IoNames.Template t = IoNames.Template.optimum();
        String file = "model.onnx";
        if (dec != null) {
            JsonNode in = dec.path("inputs"), out = dec.path("outputs");
            t = new IoNames.Template(
                    in.path("input_ids").asText(t.inputIds()),
                    in.path("attention_mask").asText(t.attentionMask()),
                    in.path("position_ids").asText(t.positionIds()),
                    in.path("past_key_names").asText(t.pastKey()),
                    in.path("past_value_names").asText(t.pastValue()),
                    out.path("logits").asText(t.logits()),
                    out.path("present_key_names").asText(t.presentKey()),
                    out.path("present_value_names").asText(t.presentValue()));
            file = dec.path("filename").asText(file);
        }
        GenerationDefaults g = GenerationDefaults.none();
        Path genFile = dir.resolve("generation_config.json");
        if (Files.isRegularFile(genFile)) {
            JsonNode gc = JSON.readTree(genFile.toFile());
            Float temp = gc.has("temperature") ? (float) gc.get("temperature").asDouble() : null;
            if (gc.has("do_sample") && !gc.get("do_sample").asBoolean()) {
                temp = 0f;
            }
            g = new GenerationDefaults(
                    temp,
                    gc.has("top_k") ? gc.get("top_k").asInt() : null,
                    gc.has("top_p") ? (float) gc.get("top_p").asDouble() : null,
                    gc.has("min_p") ? (float) gc.get("min_p").asDouble() : null,
                    gc.has("repetition_penalty")
                            ? (float) gc.get("repetition_penalty").asDouble()
                            : null);
            addIds(eos, gc.get("eos_token_id"));
        }
        return new BundleConfig(
                c.path("model_type").asText("gpt2"),
                vocab,
                nLayer,
                nHead,
                nKv,
                nEmbd,
                ctx,
                firstInt(c, genai, -1, "bos_token_id"),
                List.copyOf(eos),
                file,
                t,
                g);
    }

    /** An id or a list of ids (null and non-integers ignored). */
    private static void addIds(Set<Integer> ids, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(x -> addIds(ids, x));
        } else if (node.canConvertToInt()) {
            ids.add(node.asInt());
        }
    }

    private static int firstInt(JsonNode c, JsonNode alt, int dflt, String... names) {
        for (String n : names) {
            if (c.has(n) && c.get(n).canConvertToInt()) {
                return c.get(n).asInt();
            }
        }
        if (alt != null) {
            for (String n : names) {
                if (alt.has(n) && alt.get(n).canConvertToInt()) {
                    return alt.get(n).asInt();
                }
            }
        }
        return dflt;
    }
}
