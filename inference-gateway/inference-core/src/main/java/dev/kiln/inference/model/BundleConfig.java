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
 * (ONNX Runtime GenAI's model builder: file name, I/O names, and the shape and end-of-sequence
 * ids when the folder has no config.json), and where the graph lies: genai_config.json's
 * {@code model.decoder.filename}, else the first of {@link #MODEL_FILES} present (Kiln's and
 * Optimum's plain export, Optimum's merged decoder, and both under {@code onnx/} as Hugging Face
 * repositories of ONNX exports hold them).
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

    /** Where a bundle's graph may lie when genai_config.json does not name it, in order of preference. */
    public static final List<String> MODEL_FILES =
            List.of("model.onnx", "decoder_model_merged.onnx", "onnx/model.onnx", "onnx/decoder_model_merged.onnx");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws InvalidBundleException naming what is missing: config.json (unless genai_config.json
     *     stands in), its vocabulary and context keys, or the graph file
     */
    public static BundleConfig read(Path dir) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        Path genaiFile = dir.resolve("genai_config.json");
        boolean hasGenai = Files.isRegularFile(genaiFile);
        if (!Files.isRegularFile(cfgFile) && !hasGenai) {
            throw new InvalidBundleException("no config.json (nor genai_config.json) in " + dir
                    + (Files.exists(cfgFile) ? ": config.json is not a regular file" : ""));
        }
        // model builder folders carry only genai_config.json: its model section holds the same facts
        JsonNode c = Files.isRegularFile(cfgFile) ? JSON.readTree(cfgFile.toFile()) : JSON.createObjectNode();
        JsonNode genai = null;
        if (hasGenai) {
            genai = JSON.readTree(genaiFile.toFile()).path("model");
        }
        JsonNode dec = genai == null ? null : genai.path("decoder");
        int nHead = firstInt(c, dec, 0, "n_head", "num_attention_heads");
        int nEmbd = firstInt(c, dec, 0, "n_embd", "hidden_size");
        int nKv = firstInt(c, dec, nHead, "n_kv_head", "num_key_value_heads");
        int nLayer = firstInt(c, dec, 0, "n_layer", "num_hidden_layers");
        if (nEmbd <= 0 && dec != null && dec.path("head_size").canConvertToInt()) {
            nEmbd = dec.get("head_size").asInt() * nHead;
        }
        int vocab = firstInt(c, genai, 0, "vocab_size");
        int ctx = firstInt(c, genai, 0, "n_positions", "max_position_embeddings", "n_ctx", "context_length");
        if (vocab <= 0 || ctx <= 0) {
            throw new InvalidBundleException("config.json in " + dir + " needs "
                    + (vocab <= 0 ? "vocab_size" : "n_positions (or max_position_embeddings)")
                    + (hasGenai ? " (genai_config.json: model.vocab_size, model.context_length)" : ""));
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
        String file = null;
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
            file = dec.hasNonNull("filename") ? dec.get("filename").asText() : null;
        }
        file = file == null ? findModelFile(dir) : checkNamedFile(dir, file);
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
                c.path("model_type")
                        .asText(genai == null ? "gpt2" : genai.path("type").asText("gpt2")),
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

    private static String findModelFile(Path dir) {
        for (String f : MODEL_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return f;
            }
        }
        throw new InvalidBundleException("no model file in " + dir + ": expected one of " + MODEL_FILES
                + " (or a genai_config.json naming it in model.decoder.filename)");
    }

    /** genai_config.json's file name: a regular file inside the bundle (the name comes from the folder, not us). */
    private static String checkNamedFile(Path dir, String name) {
        Path f;
        try {
            f = dir.resolve(name).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidBundleException("genai_config.json's model.decoder.filename is not a path: " + name, e);
        }
        if (name.isEmpty() || !f.startsWith(dir.normalize()) || f.equals(dir.normalize())) {
            throw new InvalidBundleException(
                    "genai_config.json's model.decoder.filename " + name + " lies outside the bundle " + dir);
        }
        if (!Files.isRegularFile(f)) {
            throw new InvalidBundleException("genai_config.json names model.decoder.filename " + name + " but " + dir
                    + " has no such " + (Files.exists(f) ? "regular file" : "file"));
        }
        return name;
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
