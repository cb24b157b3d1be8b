package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTokenizerFilesTest {

    private static final String TEXT = "The lowest and the widest <|endoftext|> newer words";

    private static Encoding trained() {
        return BpeTrainer.train(
                List.of("low lower lowest newer newest wider widest\n".repeat(20)),
                BpeTrainer.Options.defaults("words", 280).withThreads(1));
    }

    @Test
    void bothFormsReadBackToTheSameEncoding(@TempDir Path bundle) throws Exception {
        Encoding encoding = trained();
        BundleTokenizerFiles.write(encoding, bundle);
        int[] expected = encoding.encode(TEXT, SpecialTokenPolicy.allowAll());

        Encoding fromJson = BundleTokenizerFiles.read(bundle);
        assertThat(fromJson.encode(TEXT, SpecialTokenPolicy.allowAll())).containsExactly(expected);

        Files.delete(bundle.resolve(BundleTokenizerFiles.TOKENIZER_JSON));
        Encoding fromRankFile = BundleTokenizerFiles.read(bundle);
        assertThat(fromRankFile.name()).isEqualTo("words");
        assertThat(fromRankFile.encode(TEXT, SpecialTokenPolicy.allowAll())).containsExactly(expected);
        assertThat(BundleTokenizerFiles.readConfig(bundle.resolve(BundleTokenizerFiles.TOKENIZER_CONFIG))
                        .path("eos_token")
                        .asText())
                .isEqualTo(Encoding.END_OF_TEXT);
    }

    @Test
    void aPatternKeyMayNameABuiltInEncoding(@TempDir Path bundle) throws Exception {
        Encoding cl100k = EncodingRegistry.getDefault().get(EncodingRegistry.CL100K_BASE);
        TiktokenRankFile.write(cl100k, bundle.resolve("mine.tiktoken"));
        Files.writeString(
                bundle.resolve(BundleTokenizerFiles.TOKENIZER_CONFIG),
                "{\"pattern\": \"cl100k_base\", \"special_tokens\": {\"<|endoftext|>\": 100257}}");
        Encoding read = BundleTokenizerFiles.read(bundle);
        assertThat(read.pattern()).isEqualTo(cl100k.pattern());
        String text = "It's 1234 o'clock\n\n  in 2024!";
        assertThat(read.encode(text)).containsExactly(cl100k.encode(text));
        assertThat(read.endOfText()).hasValue(100257);
    }

    @Test
    void aBundleWithoutTokenizerOrWithABrokenConfigIsNamed(@TempDir Path bundle) throws Exception {
        assertThatThrownBy(() -> BundleTokenizerFiles.read(bundle))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("expected tokenizer.json or <name>.tiktoken");
        TiktokenRankFile.write(trained(), bundle.resolve("words.tiktoken"));
        Files.writeString(bundle.resolve(BundleTokenizerFiles.TOKENIZER_CONFIG), "{ not json");
        assertThatThrownBy(() -> BundleTokenizerFiles.read(bundle))
                .hasMessageContaining(BundleTokenizerFiles.TOKENIZER_CONFIG);
    }
}
