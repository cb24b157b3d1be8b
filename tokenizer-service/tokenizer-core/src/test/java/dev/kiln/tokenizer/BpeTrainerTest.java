package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    private static Encoding trained;
    private static List<String> corpus;

    @BeforeAll
    static void trainOnEuroparl() {
        corpus = TestCorpora.europarl().subList(0, 1500);
        BpeTrainer.Options options = BpeTrainer.Options.defaults("europarl-2k", 2048)
                .withSpecialTokens(List.of("<|endoftext|>", "<|pad|>"))
                .withThreads(2);
        trained = BpeTrainer.train(corpus, options);
    }

    @Test
    void producesTheRequestedVocabularyWithSpecialTokensLast() {
        assertThat(trained.vocabularySize()).isEqualTo(2048);
        assertThat(trained.ranks().size()).isEqualTo(2046);
        assertThat(trained.specialTokens()).containsEntry("<|endoftext|>", 2046).containsEntry("<|pad|>", 2047);
        for (int b = 0; b < 256; b++) {
            assertThat(trained.tokenBytes(b)).containsExactly((byte) b);
        }
        // frequent words of the corpus become single tokens
        assertThat(trained.encode(" the")).hasSize(1);
        assertThat(trained.encode(" Parliament")).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void compressesItsTrainingText() {
        long bytes = 0;
        long tokens = 0;
        for (String doc : corpus.subList(0, 200)) {
            bytes += doc.getBytes(StandardCharsets.UTF_8).length;
            int[] ids = trained.encode(doc);
            tokens += ids.length;
            assertThat(trained.decode(ids)).isEqualTo(doc);
        }
        // 2K tokens over ~20 languages: well above one byte per token
        assertThat((double) bytes / tokens).isGreaterThan(2.3);
    }

    @Test
    void isDeterministicAcrossThreadCounts() {
        List<String> small = corpus.subList(0, 300);
        BpeTrainer.Options base = BpeTrainer.Options.defaults("d", 600);
        Encoding one = BpeTrainer.train(small, base.withThreads(1));
        Encoding two = BpeTrainer.train(small, base.withThreads(2));
        assertThat(one.ranks().size()).isEqualTo(two.ranks().size());
        for (int id = 0; id < one.ranks().size(); id++) {
            assertThat(two.tokenBytes(id)).isEqualTo(one.tokenBytes(id));
        }
    }

    @Test
    void minPairFrequencyStopsEarly() {
        Encoding e = BpeTrainer.train(
                List.of("abab abab abab xyz"),
                BpeTrainer.Options.defaults("tiny", 1000).withMinPairFrequency(3));
        // only pairs seen at least 3 times merge: a+b (6), ab+ab (3); " "+abab (2) and x+y (1) do not
        assertThat(e.ranks().size()).isEqualTo(258);
        assertThat(e.encode("abab")).hasSize(1);
        assertThat(e.encode(" abab")).hasSize(2);
        assertThat(e.encode(" xyz")).hasSize(4);
    }

    @Test
    void specialTokenTextInTrainingDataIsNotLearned() {
        Encoding e =
                BpeTrainer.train(List.of("<|endoftext|>".repeat(50) + " hi"), BpeTrainer.Options.defaults("s", 400));
        assertThat(e.encode("<|endoftext|>", SpecialTokenPolicy.allowAll())).containsExactly(e.vocabularySize() - 1);
        assertThat(e.encodeOrdinary("<|endoftext|>").length).isGreaterThan(3);
    }

    @Test
    void savedInBothFormatsReloadsToTheSameIds(@TempDir Path dir) throws IOException {
        Path tiktoken = dir.resolve("europarl.tiktoken");
        Path json = dir.resolve("tokenizer.json");
        TiktokenRankFile.write(trained, tiktoken);
        HuggingFaceTokenizerJson.write(trained, json, HuggingFaceTokenizerJson.MergesFormat.PAIRS);
        Encoding fromTiktoken = TiktokenRankFile.load("t", tiktoken, trained.pattern(), trained.specialTokens());
        Encoding fromJson = HuggingFaceTokenizerJson.read(json, "j");
        SplittableRandom rnd = new SplittableRandom(3);
        List<String> texts = new java.util.ArrayList<>(TestCorpora.europarl().subList(2000, 2300));
        for (int i = 0; i < 2000; i++) {
            texts.add(TestCorpora.randomUnicode(rnd, 40, false));
        }
        for (String text : texts) {
            int[] expected = trained.encode(text, SpecialTokenPolicy.allowAll());
            assertThat(fromTiktoken.encode(text, SpecialTokenPolicy.allowAll())).containsExactly(expected);
            assertThat(fromJson.encode(text, SpecialTokenPolicy.allowAll())).containsExactly(expected);
        }
    }

    @Test
    void chunkedInputCountsWordsCutByChunkBoundariesWhole() {
        List<String> docs = corpus.subList(0, 200);
        BpeTrainer.Options options = BpeTrainer.Options.defaults("c", 700).withThreads(1);
        Encoding whole = BpeTrainer.train(docs.stream().map(d -> d + "\n").toList(), options);
        BpeTrainer chunked = new BpeTrainer(options);
        String all = String.join("\n", docs) + "\n";
        for (int i = 0; i < all.length(); i += 997) {
            chunked.acceptChunk(all.substring(i, Math.min(all.length(), i + 997)));
        }
        Encoding fromChunks = chunked.train();
        for (int id = 0; id < whole.ranks().size(); id++) {
            assertThat(fromChunks.tokenBytes(id)).isEqualTo(whole.tokenBytes(id));
        }
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> BpeTrainer.Options.defaults("x", 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpeTrainer.Options.defaults("x", 300).withMinPairFrequency(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
