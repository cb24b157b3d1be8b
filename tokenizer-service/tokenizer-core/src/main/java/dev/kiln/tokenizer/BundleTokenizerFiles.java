package dev.kiln.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The tokenizer files of a model bundle (a Hugging Face style model folder), written and read in
 * this one place: {@code tokenizer.json} for Hugging Face tooling, and for tiktoken users
 * {@code <name>.tiktoken} with a {@code tokenizer_config.json} naming what a rank file cannot
 * hold — the split pattern (the regex itself, or the name of a built-in encoding whose pattern to
 * use) and the special tokens — beside Hugging Face's own keys ({@code bos_token},
 * {@code eos_token}, {@code chat_template} …), which other readers of the file use.
 */
public final class BundleTokenizerFiles {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final String TIKTOKEN_SUFFIX = ".tiktoken";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleTokenizerFiles() {}

    /** Writes {@code encoding} into the bundle directory {@code dir} in both forms. */
    public static void write(Encoding encoding, Path dir) throws IOException {
        HuggingFaceTokenizerJson.write(
                encoding, dir.resolve(TOKENIZER_JSON), HuggingFaceTokenizerJson.MergesFormat.PAIRS);
        writeTiktoken(encoding, dir);
    }

    /**
     * Writes only the tiktoken form: {@code <name>.tiktoken} and {@code tokenizer_config.json}
     * (a bundle as tiktoken users ship one).
     */
    public static void writeTiktoken(Encoding encoding, Path dir) throws IOException {
        String rankFile = encoding.name() + TIKTOKEN_SUFFIX;
        TiktokenRankFile.write(encoding, dir.resolve(rankFile));
        ObjectNode config = JSON.createObjectNode()
                .put("tokenizer_class", "tiktoken")
                .put("encoding", encoding.name())
                .put("rank_file", rankFile)
                .put("pattern", encoding.pattern());
        ObjectNode specials = config.putObject("special_tokens");
        encoding.specialTokens().forEach(specials::put);
        if (encoding.endOfText().isPresent()) {
            config.put("eos_token", Encoding.END_OF_TEXT).put("bos_token", Encoding.END_OF_TEXT);
        }
        JSON.writeValue(dir.resolve(TOKENIZER_CONFIG).toFile(), config);
    }

    /**
     * The encoding of the bundle in {@code dir}: {@code tokenizer.json} when present, else the
     * first {@code *.tiktoken} with the pattern and special tokens of {@code tokenizer_config.json}
     * (or, without that file, of the built-in encoding of the same name; GPT-2's pattern for any
     * other).
     *
     * @throws NoSuchFileException the bundle holds neither form
     * @throws IOException a file cannot be read or is malformed (the message names it)
     */
    public static Encoding read(Path dir) throws IOException {
        Path hf = dir.resolve(TOKENIZER_JSON);
        String bundleName =
                dir.getFileName() == null ? "bundle" : dir.getFileName().toString();
        if (Files.isRegularFile(hf)) {
            Encoding encoding = HuggingFaceTokenizerJson.read(hf, bundleName);
            Path configFile = dir.resolve(TOKENIZER_CONFIG);
            return Files.isRegularFile(configFile)
                    ? withConfiguredSpecialTokens(encoding, readConfig(configFile), configFile)
                    : encoding;
        }
        Optional<Path> rankFile;
        try (Stream<Path> files = Files.list(dir)) {
            rankFile = files.filter(p -> p.getFileName().toString().endsWith(TIKTOKEN_SUFFIX))
                    .sorted()
                    .findFirst();
        }
        if (rankFile.isEmpty()) {
            throw new NoSuchFileException(
                    dir.toString(), null, "no tokenizer: expected " + TOKENIZER_JSON + " or <name>" + TIKTOKEN_SUFFIX);
        }
        String fileName = rankFile.get().getFileName().toString();
        String name = fileName.substring(0, fileName.length() - TIKTOKEN_SUFFIX.length());
        EncodingRegistry builtIns = EncodingRegistry.getDefault();
        String pattern = Pretokenizer.R50K_PATTERN;
        Map<String, Integer> specials = new LinkedHashMap<>();
        Path configFile = dir.resolve(TOKENIZER_CONFIG);
        if (Files.isRegularFile(configFile)) {
            JsonNode config = readConfig(configFile);
            pattern = patternOf(config.path("pattern").asText(""), pattern, builtIns);
            config.path("special_tokens")
                    .properties()
                    .forEach(e -> specials.put(e.getKey(), e.getValue().asInt()));
            config.path("added_tokens_decoder").properties().forEach(e -> {
                if (e.getValue().path("special").asBoolean(true)) {
                    specials.put(e.getValue().path("content").asText(), Integer.parseInt(e.getKey()));
                }
            });
        } else if (builtIns.isBuiltIn(name)) {
            Encoding builtIn = builtIns.get(name);
            pattern = builtIn.pattern();
            specials.putAll(builtIn.specialTokens());
        }
        return TiktokenRankFile.load(name, rankFile.get(), pattern, specials);
    }

    /**
     * transformers' rule for Llama-style configs: {@code add_bos_token} / {@code add_eos_token}, when
     * present, decide whether {@code bos_token} / {@code eos_token} go around a sequence, over what the
     * tokenizer.json post-processor does on that side; an absent key leaves that side as the file has it.
     */
    static Encoding withConfiguredSpecialTokens(Encoding encoding, JsonNode config, Path configFile)
            throws IOException {
        JsonNode addBos = config.get("add_bos_token");
        JsonNode addEos = config.get("add_eos_token");
        if (addBos == null && addEos == null) {
            return encoding;
        }
        PostProcessor file = encoding.postProcessor();
        int[] prefix = addBos == null
                ? file.prefix()
                : addBos.asBoolean() ? new int[] {tokenId(encoding, config, "bos_token", configFile)} : new int[0];
        int[] suffix = addEos == null
                ? file.suffix()
                : addEos.asBoolean() ? new int[] {tokenId(encoding, config, "eos_token", configFile)} : new int[0];
        return encoding.withPostProcessor(new PostProcessor(prefix, suffix));
    }

    /** A token named by a config key, as a string or as an AddedToken object ({@code {"content": …}}). */
    private static int tokenId(Encoding encoding, JsonNode config, String key, Path configFile) throws IOException {
        JsonNode value = config.path(key);
        String content = value.isObject() ? value.path("content").asText(null) : value.asText(null);
        if (content == null || content.isEmpty() || value.isNull()) {
            throw new IOException(configFile + ": add_" + key + " is true but " + key + " is not set");
        }
        return encoding.tokenId(content)
                .orElseThrow(() ->
                        new IOException(configFile + ": " + key + " " + content + " is not a token of the tokenizer"));
    }

    /** The parsed {@code tokenizer_config.json}, for the keys other readers need (chat template …). */
    public static JsonNode readConfig(Path file) throws IOException {
        try {
            JsonNode config = JSON.readTree(file.toFile());
            if (config == null || !config.isObject()) {
                throw new IOException(file + ": not a JSON object");
            }
            return config;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A pattern key names a built-in encoding (whose pattern to use) or is the regex itself. */
    private static String patternOf(String value, String fallback, EncodingRegistry builtIns) {
        if (value.isEmpty()) {
            return fallback;
        }
        return builtIns.isBuiltIn(value) ? builtIns.get(value).pattern() : value;
    }
}
