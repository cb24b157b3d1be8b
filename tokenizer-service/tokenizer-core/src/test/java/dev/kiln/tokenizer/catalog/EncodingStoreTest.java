package dev.kiln.tokenizer.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.tokenizer.BpeTrainer;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.tokenizer.HuggingFaceTokenizerJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encodings trained on one run of the service are served by the next. */
class EncodingStoreTest {

    @Test
    void trainedEncodingsSurviveARestart(@TempDir Path dir) throws Exception {
        Encoding trained = BpeTrainer.train(
                List.of("low lower lowest newer newest wider widest\n".repeat(20)),
                BpeTrainer.Options.defaults("words", 280).withThreads(1));
        new EncodingStore(dir).saveTrained(trained, "test");

        EncodingCatalog restarted = new EncodingCatalog(new EncodingRegistry());
        assertThat(new EncodingStore(dir).loadInto(restarted)).isEqualTo(1);
        assertThat(restarted.sourceOf("words")).contains(EncodingCatalog.Source.TRAINED);
        Encoding reloaded = restarted.find("words").orElseThrow();
        String text = "the lowest and the widest";
        assertThat(reloaded.encode(text)).containsExactly(trained.encode(text));
        assertThat(reloaded.specialTokens()).isEqualTo(trained.specialTokens());
    }

    @Test
    void userFilesAreServedAndBrokenOnesSkipped(@TempDir Path dir) throws Exception {
        Encoding r50k = EncodingRegistry.getDefault().get("r50k_base");
        HuggingFaceTokenizerJson.write(
                r50k, dir.resolve("my-gpt2.tokenizer.json"), HuggingFaceTokenizerJson.MergesFormat.STRINGS);
        Files.writeString(dir.resolve("broken.tokenizer.json"), "{ not json");
        HuggingFaceTokenizerJson.write(
                r50k, dir.resolve("r50k_base.tokenizer.json"), HuggingFaceTokenizerJson.MergesFormat.PAIRS);

        EncodingCatalog catalog = new EncodingCatalog(new EncodingRegistry());
        assertThat(new EncodingStore(dir).loadInto(catalog)).isEqualTo(1);
        assertThat(catalog.sourceOf("my-gpt2")).contains(EncodingCatalog.Source.FILE);
        assertThat(catalog.sourceOf("r50k_base"))
                .as("a file never shadows a built-in")
                .contains(EncodingCatalog.Source.BUILTIN);
        assertThat(catalog.find("my-gpt2").orElseThrow().encode("hello world"))
                .containsExactly(r50k.encode("hello world"));
        assertThat(catalog.contains("broken")).isFalse();
    }
}
