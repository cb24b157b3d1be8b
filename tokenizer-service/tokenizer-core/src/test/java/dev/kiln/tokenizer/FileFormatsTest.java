package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatsTest {
    @TempDir
    Path dir;

    private static List<String> sample() {
        List<String> texts = new ArrayList<>(TestCorpora.europarl().subList(0, 400));
        texts.addAll(TestCorpora.javaSources().subList(0, 20));
        texts.addAll(TestCorpora.emoji());
        texts.addAll(TestCorpora.whitespaceAndDigits());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            texts.add(TestCorpora.randomUnicode(rnd, 30, true));
        }
        return texts;
    }

    private static void assertSameIds(Encoding expected, Encoding actual) {
        for (String text : sample()) {
            assertThat(actual.encodeOrdinary(text))
                    .as("ids of %s", text)
                    .containsExactly(expected.encodeOrdinary(text));
        }
        String withSpecial = "a<|endoftext|>b";
        assertThat(actual.encode(withSpecial, SpecialTokenPolicy.allowAll()))
                .containsExactly(expected.encode(withSpecial, SpecialTokenPolicy.allowAll()));
    }

    @Test
    void r50kFromTiktokenFileAndFromEquivalentTokenizerJsonGiveTheSameIds() throws IOException {
        Encoding r50k = EncodingRegistry.getDefault().get("r50k_base");
        Path tiktoken = dir.resolve("r50k_base.tiktoken");
        TiktokenRankFile.write(r50k, tiktoken);
        Encoding fromTiktoken =
                TiktokenRankFile.load("r50k", tiktoken, Pretokenizer.R50K_PATTERN, r50k.specialTokens());
        assertThat(fromTiktoken.ranks().size()).isEqualTo(50256);

        for (HuggingFaceTokenizerJson.MergesFormat format : HuggingFaceTokenizerJson.MergesFormat.values()) {
            Path json = dir.resolve("tokenizer-" + format + ".json");
            HuggingFaceTokenizerJson.write(r50k, json, format);
            Encoding fromJson = HuggingFaceTokenizerJson.read(json, "r50k-hf");
            assertThat(fromJson.pretokenizer().isScanner()).isTrue();
            assertThat(fromJson.ranks().size()).isEqualTo(50256);
            assertThat(fromJson.specialTokens()).isEqualTo(r50k.specialTokens());
            assertSameIds(fromTiktoken, fromJson);
        }
        // GPT-2's real file has 50,000 merges: one per token above the 256 bytes
        String text = Files.readString(dir.resolve("tokenizer-PAIRS.json"));
        assertThat(text).contains("\"ignore_merges\" : true").contains("[ \"Ġ\", \"t\" ]");
        assertThat(Files.readString(dir.resolve("tokenizer-STRINGS.json"))).contains("\"Ġ t\"");
    }

    @Test
    void cl100kRoundTripsThroughTokenizerJsonWithASplitPreTokenizer() throws IOException {
        Encoding cl = EncodingRegistry.getDefault().get("cl100k_base");
        Path json = dir.resolve("cl100k.json");
        HuggingFaceTokenizerJson.write(cl, json, HuggingFaceTokenizerJson.MergesFormat.PAIRS);
        assertThat(Files.readString(json)).contains("\"Split\"").contains("\\\\s++\\\\z");
        Encoding back = HuggingFaceTokenizerJson.read(json, "cl100k-hf");
        assertThat(back.pretokenizer().isScanner()).isTrue();
        assertSameIds(cl, back);
    }

    @Test
    void readsGpt2StyleFileWithEndOfTextInVocabAndStringMerges() throws IOException {
        StringBuilder vocab = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            vocab.append('"')
                    .append(jsonEscape(ByteLevelAlphabet.encode(new byte[] {(byte) b})))
                    .append("\": ")
                    .append(b)
                    .append(", ");
        }
        vocab.append("\"Ġt\": 256, \"he\": 257, \"Ġthe\": 258, \"<|endoftext|>\": 259");
        String json = "{\"added_tokens\": [{\"id\": 259, \"content\": \"<|endoftext|>\", \"special\": true}],"
                + "\"normalizer\": null,"
                + "\"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true},"
                + "\"model\": {\"type\": \"BPE\", \"vocab\": {" + vocab + "},"
                + "\"merges\": [\"Ġ t\", \"h e\", \"Ġt he\"]}}";
        Encoding e =
                HuggingFaceTokenizerJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "tiny");
        assertThat(e.encode(" the the", SpecialTokenPolicy.allowAll())).containsExactly(258, 258);
        assertThat(e.encode("the<|endoftext|>", SpecialTokenPolicy.allowAll())).containsExactly('t', 257, 259);
        assertThat(e.ranks().containsId(259)).isFalse();
        assertThat(e.decode(new int[] {258, 259})).isEqualTo(" the<|endoftext|>");
    }

    @Test
    void qwenStyleFileWithNfcAndAnUnknownSplitRegexRunsOnTheRegexEngine() throws IOException {
        Encoding cl = EncodingRegistry.getDefault().get("cl100k_base");
        // Qwen2's pattern: cl100k's but single digits
        String qwenPattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        Encoding qwenLike = new Encoding(
                "qwen-like",
                Pretokenizer.forPattern(qwenPattern),
                cl.ranks(),
                java.util.Map.of("<|im_start|>", 200_000, "<|im_end|>", 200_001),
                java.text.Normalizer.Form.NFC);
        Path json = dir.resolve("qwen.json");
        HuggingFaceTokenizerJson.write(qwenLike, json, HuggingFaceTokenizerJson.MergesFormat.STRINGS);
        Encoding back = HuggingFaceTokenizerJson.read(json, "qwen");
        assertThat(back.pretokenizer().isScanner()).isFalse();
        assertThat(back.normalization()).isEqualTo(java.text.Normalizer.Form.NFC);
        // NFC: e + combining acute encodes as the precomposed é
        assertThat(back.encode("cafe\u0301")).containsExactly(back.encode("caf\u00e9"));
        assertThat(back.encode("12345")).hasSize(5);
        assertThat(back.encode("<|im_start|>user hi<|im_end|>", SpecialTokenPolicy.allowAll()))
                .startsWith(200_000)
                .endsWith(200_001);
        for (String text : TestCorpora.europarl().subList(0, 50)) {
            assertThat(back.encode(text)).containsExactly(qwenLike.encode(text));
        }
    }

    @Test
    void rejectsWhatItCannotReproduce() {
        String normalizer = "{\"normalizer\": {\"type\": \"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"},"
                + "\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}";
        assertThatThrownBy(() -> HuggingFaceTokenizerJson.read(stream(normalizer), "x"))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("Lowercase");
        String wordPiece = "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}";
        assertThatThrownBy(() -> HuggingFaceTokenizerJson.read(stream(wordPiece), "x"))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("WordPiece");
        String notByteLevel = "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"},"
                + "\"model\": {\"type\": \"BPE\", \"vocab\": {\"\u4e00\": 0}, \"merges\": []}}";
        assertThatThrownBy(() -> HuggingFaceTokenizerJson.read(stream(notByteLevel), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byte-level");
    }

    @Test
    void tiktokenFileErrorsNameTheLine() {
        assertThatThrownBy(() -> TiktokenRankFile.read(stream("IQ== 0\nnot-a-line\n"), "bad.tiktoken"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad.tiktoken:2");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
