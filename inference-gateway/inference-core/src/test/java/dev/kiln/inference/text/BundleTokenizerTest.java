package dev.kiln.inference.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.tokenizer.BundleTokenizerFiles;
import dev.kiln.tokenizer.EncodingRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completion prompts get the special tokens the bundle's tokenizer files ask for; plain encoding does not. */
class BundleTokenizerTest {

    @TempDir
    Path bundle;

    @Test
    void promptStartsWithTheBosTokenizerConfigAsksFor() throws Exception {
        BundleTokenizerFiles.write(EncodingRegistry.getDefault().get("r50k_base"), bundle);
        Files.writeString(
                bundle.resolve(BundleTokenizerFiles.TOKENIZER_CONFIG),
                "{\"add_bos_token\": true, \"bos_token\": {\"content\": \"<|endoftext|>\", \"special\": true}}");
        BundleTokenizer tokenizer = BundleTokenizer.load(bundle);
        assertThat(tokenizer.encodeChat("hello world", false)).containsExactly(31373, 995);
        assertThat(tokenizer.encodePrompt("hello world")).containsExactly(50256, 31373, 995);
        // a special-token string the user typed stays text, BOS or not
        assertThat(tokenizer.encodePrompt("<|endoftext|>")).startsWith(50256).hasSizeGreaterThan(2);
    }

    @Test
    void unsupportedTokenizerComponentsFailTheBundleNamingThem() throws Exception {
        Files.writeString(
                bundle.resolve(BundleTokenizerFiles.TOKENIZER_JSON),
                "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        assertThatThrownBy(() -> BundleTokenizer.load(bundle))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("Unigram");
    }
}
