package dev.kiln.inference.text;

import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.tokenizer.BundleTokenizerFiles;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.SpecialTokenPolicy;
import dev.kiln.tokenizer.StreamingDecoder;
import dev.kiln.tokenizer.UnsupportedTokenizerFeatureException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle's tokenizer through tokenizer-core. Prompts are encoded as ordinary text: special-token
 * strings a user types are not turned into control tokens; {@link #encodePrompt} adds the special
 * tokens the bundle's post-processor (or tokenizer_config.json's add_bos_token) asks for.
 */
public final class BundleTokenizer implements TextTokenizer {
    private final Encoding encoding;

    public BundleTokenizer(Encoding encoding) {
        this.encoding = encoding;
    }

    public Encoding encoding() {
        return encoding;
    }

    /**
     * Loads the bundle's tokenizer as {@link BundleTokenizerFiles} reads it: tokenizer.json (Hugging
     * Face) when present, else {@code <name>.tiktoken} with tokenizer_config.json.
     *
     * @throws InvalidBundleException the bundle has no tokenizer, or its files are malformed
     */
    public static BundleTokenizer load(Path dir) {
        try {
            return new BundleTokenizer(BundleTokenizerFiles.read(dir));
        } catch (NoSuchFileException e) {
            throw new InvalidBundleException(
                    "no tokenizer in " + dir + ": expected " + BundleTokenizerFiles.TOKENIZER_JSON
                            + " or <name>.tiktoken",
                    e);
        } catch (IOException | IllegalArgumentException | UnsupportedTokenizerFeatureException e) {
            throw new InvalidBundleException("cannot read the tokenizer of " + dir + ": " + e.getMessage(), e);
        }
    }

    public int vocabularySize() {
        return encoding.vocabularySize();
    }

    /**
     * The chat path: a rendered chat template is encoded without the tokenizer's post-processor
     * (the template writes BOS itself), special-token text becoming its id when
     * {@code specialTokens}.
     */
    public int[] encodeChat(String text, boolean specialTokens) {
        return encoding.encode(text, specialTokens ? SpecialTokenPolicy.allowAll() : SpecialTokenPolicy.treatAsText());
    }

    @Override
    public int[] encodePrompt(String text) {
        return encoding.encodeWithSpecialTokens(text, SpecialTokenPolicy.treatAsText());
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
