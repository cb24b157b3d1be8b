package dev.kiln.inference.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.tokenizer.HuggingFaceTokenizerJson;
import dev.kiln.tokenizer.Pretokenizer;
import dev.kiln.tokenizer.StreamingDecoder;
import dev.kiln.tokenizer.TiktokenRankFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A bundle's tokenizer through tokenizer-core. Prompts are encoded as ordinary text: special-token
 * strings a user types are not turned into control tokens.
 */
public final class BundleTokenizer implements TextTokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Encoding encoding;

    public BundleTokenizer(Encoding encoding) {
        this.encoding = encoding;
    }

    public Encoding encoding() {
        return encoding;
    }

    /**
     * Loads {@code <name>.tiktoken} (with tokenizer_config.json for the split pattern and special
     * tokens; the four tiktoken built-in names get their own), or tokenizer.json (Hugging Face),
     * which wins when both are present.
     */
    public static BundleTokenizer load(Path dir) throws IOException {
        Path hf = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(hf)) {
            try {
                return new BundleTokenizer(
                        HuggingFaceTokenizerJson.read(hf, dir.getFileName().toString()));
            } catch (IllegalArgumentException e) {
                throw new InvalidBundleException("cannot read " + hf + ": " + e.getMessage(), e);
            }
        }
        Path tiktoken;
        try (Stream<Path> files = Files.list(dir)) {
            tiktoken = files.filter(p -> p.getFileName().toString().endsWith(".tiktoken"))
                    .sorted()
                    .findFirst()
                    .orElse(null);
        }
        if (tiktoken != null) {
            String name = tiktoken.getFileName().toString().replaceFirst("\\.tiktoken$", "");
            String pattern = Pretokenizer.R50K_PATTERN;
            Map<String, Integer> specials = new LinkedHashMap<>();
            EncodingRegistry reg = EncodingRegistry.getDefault();
            Path cfg = dir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(cfg)) {
                JsonNode c = JSON.readTree(cfg.toFile());
                pattern = c.path("pattern").asText(pattern);
                c.path("special_tokens")
                        .fields()
                        .forEachRemaining(
                                e -> specials.put(e.getKey(), e.getValue().asInt()));
                c.path("added_tokens_decoder")
                        .fields()
                        .forEachRemaining(
                                e -> specials.put(e.getValue().path("content").asText(), Integer.parseInt(e.getKey())));
            } else if (reg.isBuiltIn(name)) {
                Encoding builtIn = reg.get(name);
                pattern = builtIn.pattern();
                specials.putAll(builtIn.specialTokens());
            }
            return new BundleTokenizer(TiktokenRankFile.load(name, tiktoken, pattern, specials));
        }
        throw new InvalidBundleException("no tokenizer in " + dir + ": expected tokenizer.json or <name>.tiktoken");
    }

    public int vocabularySize() {
        return encoding.vocabularySize();
    }

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text);
    }

    public String decode(int[] ids) {
        return encoding.decode(ids);
    }

    public List<String> specialTokenNames() {
        return List.copyOf(encoding.specialTokens().keySet());
    }

    @Override
    public StreamDecoder streamDecoder() {
        StreamingDecoder d = encoding.newStreamingDecoder();
        return new StreamDecoder() {
            @Override
            public String push(int token) {
                return d.push(token);
            }

            @Override
            public String finish() {
                return d.finish();
            }
        };
    }
}
