package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SentencePiece-style component, added-token flag and post-processor on a small tokenizer.json
 * built here, with ids worked out by hand from Hugging Face's rules.
 */
class SentencePieceTokenizerJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CHARS = {"▁", "h", "e", "l", "o", "w", "r", "d"};
    private static final String[][] MERGES = {
        {"l", "l"},
        {"h", "e"},
        {"he", "ll"},
        {"hell", "o"},
        {"▁", "hello"},
        {"▁", "w"},
        {"o", "r"},
        {"▁w", "or"},
        {"▁wor", "l"},
        {"▁worl", "d"}
    };
    // ids: <unk> 0, <s> 1, </s> 2, <0x00>..<0xFF> 3..258, chars 259.., merge results after
    private static final int META = 259;
    private static final int HELLO = 270;
    private static final int META_HELLO = 271;
    private static final int META_WORLD = 276;

    @TempDir
    Path dir;

    /** Llama 2's layout: Prepend + Replace normalizer, no pre-tokenizer, byte fallback, Strip decoder. */
    private static ObjectNode llama2Style() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject()
                    .put("id", i)
                    .put("content", specials[i])
                    .put("special", true)
                    .put("normalized", false);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        normalizer.putArray("normalizers").addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode replace =
                ((ArrayNode) normalizer.get("normalizers")).addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "▁");
        root.putNull("pre_tokenizer");
        root.set("post_processor", template("<s>", 1));
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode steps = decoder.putArray("decoders");
        ObjectNode rep = steps.addObject().put("type", "Replace");
        rep.putObject("pattern").put("String", "▁");
        rep.put("content", " ");
        steps.addObject().put("type", "ByteFallback");
        steps.addObject().put("type", "Fuse");
        steps.addObject()
                .put("type", "Strip")
                .put("content", " ")
                .put("start", 1)
                .put("stop", 0);
        ObjectNode model = root.putObject("model")
                .put("type", "BPE")
                .put("unk_token", "<unk>")
                .put("fuse_unk", true)
                .put("byte_fallback", true);
        model.putNull("dropout");
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String s : specials) {
            vocab.put(s, id++);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), id++);
        }
        for (String c : CHARS) {
            vocab.put(c, id++);
        }
        ArrayNode merges = model.putArray("merges");
        for (String[] m : MERGES) {
            vocab.put(m[0] + m[1], id++);
            merges.add(m[0] + " " + m[1]); // the older string form; pairs are tested below
        }
        return root;
    }

    private static ObjectNode template(String token, int id) {
        ObjectNode p = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", token).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ObjectNode entry = p.putObject("special_tokens").putObject(token).put("id", token);
        entry.putArray("ids").add(id);
        entry.putArray("tokens").add(token);
        return p;
    }

    /** The Mistral v0.3 / legacy=false layout: no normalizer, Metaspace pre-tokenizer and decoder. */
    private static ObjectNode metaspaceStyle(String prependScheme) {
        ObjectNode root = llama2Style();
        root.remove("normalizer");
        root.putObject("pre_tokenizer")
                .put("type", "Metaspace")
                .put("replacement", "▁")
                .put("prepend_scheme", prependScheme)
                .put("split", true);
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        decoder.putArray("decoders")
                .addObject()
                .put("type", "Metaspace")
                .put("replacement", "▁")
                .put("prepend_scheme", prependScheme)
                .put("split", true);
        ((ArrayNode) decoder.get("decoders")).addObject().put("type", "ByteFallback");
        return root;
    }

    private static Encoding read(ObjectNode json) throws Exception {
        return HuggingFaceTokenizerJson.read(new ByteArrayInputStream(JSON.writeValueAsBytes(json)), "sp");
    }

    @Test
    void llama2StyleNormalizerMergesFallsBackToBytesAndRoundTrips() throws Exception {
        Encoding sp = read(llama2Style());
        assertThat(sp.isSentencePiece()).isTrue();
        assertThat(sp.encodeOrdinary("hello world")).containsExactly(META_HELLO, META_WORLD);
        assertThat(sp.encodeWithSpecialTokens("hello world", SpecialTokenPolicy.treatAsText()))
                .containsExactly(1, META_HELLO, META_WORLD);
        // é is not in the vocab: its UTF-8 bytes C3 A9 as <0xC3> <0xA9>
        assertThat(sp.encodeOrdinary("hello é")).containsExactly(META_HELLO, META, 3 + 0xC3, 3 + 0xA9);
        assertThat(sp.decode(sp.encodeOrdinary("hello é"))).isEqualTo("hello é");
        // the normalizer runs per stretch between added tokens: a ▁ after <s>, as Hugging Face encodes it
        assertThat(sp.encode("<s>hello", SpecialTokenPolicy.allowAll())).containsExactly(1, META_HELLO);
        assertThat(sp.encodeOrdinary("<s>hello")).containsExactly(META, 3 + '<', 3 + 's', 3 + '>', HELLO);
        assertThat(sp.decode(new int[] {1, META_HELLO})).isEqualTo("<s> hello");
        StreamingDecoder stream = sp.newStreamingDecoder();
        // a stream continues a prompt: its first token's space is kept
        assertThat(stream.push(META_HELLO) + stream.push(META_WORLD)).isEqualTo(" hello world");
        assertThatThrownBy(() -> sp.encodeWithOffsets("hello", SpecialTokenPolicy.allowAll()))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("offsets");
    }

    @Test
    void unknownCharactersFuseOrNotWithoutByteFallback() throws Exception {
        ObjectNode json = llama2Style();
        ((ObjectNode) json.get("model")).put("byte_fallback", false);
        ArrayNode decoders = (ArrayNode) json.get("decoder").get("decoders");
        decoders.remove(1); // no ByteFallback decoder either
        assertThat(read(json).encodeOrdinary("hello éé")).containsExactly(META_HELLO, META, 0);
        ((ObjectNode) json.get("model")).put("fuse_unk", false);
        assertThat(read(json).encodeOrdinary("hello éé")).containsExactly(META_HELLO, META, 0, 0);
    }

    @Test
    void mergesAsPairsEqualMergesAsStrings() throws Exception {
        ObjectNode json = llama2Style();
        ArrayNode pairs = ((ObjectNode) json.get("model")).putArray("merges");
        for (String[] m : MERGES) {
            pairs.addArray().add(m[0]).add(m[1]);
        }
        assertThat(read(json).encodeOrdinary("hello world hello"))
                .containsExactly(read(llama2Style()).encodeOrdinary("hello world hello"));
    }

    @Test
    void metaspacePrependSchemes() throws Exception {
        Encoding first = read(metaspaceStyle("first"));
        assertThat(first.encodeOrdinary("hello world")).containsExactly(META_HELLO, META_WORLD);
        assertThat(first.encodeOrdinary(" hello")).containsExactly(META_HELLO); // already starts with ▁
        assertThat(first.encode("<s>hello", SpecialTokenPolicy.allowAll())).containsExactly(1, HELLO);
        assertThat(first.decode(new int[] {META_HELLO, META_WORLD})).isEqualTo("hello world");
        assertThat(read(metaspaceStyle("always")).encode("<s>hello", SpecialTokenPolicy.allowAll()))
                .containsExactly(1, META_HELLO);
        Encoding never = read(metaspaceStyle("never"));
        assertThat(never.encodeOrdinary("hello world")).containsExactly(HELLO, META_WORLD);
        assertThat(never.decode(new int[] {META_WORLD})).isEqualTo(" world");
    }

    @Test
    void addedTokenFlags() throws Exception {
        ObjectNode json = metaspaceStyle("first");
        ArrayNode added = (ArrayNode) json.get("added_tokens");
        added.addObject()
                .put("id", 300)
                .put("content", "<x>")
                .put("special", false)
                .put("lstrip", true)
                .put("normalized", false);
        added.addObject()
                .put("id", 301)
                .put("content", "ell")
                .put("special", false)
                .put("single_word", true)
                .put("normalized", false);
        Encoding sp = read(json);
        // a non-special added token is matched under every policy; lstrip takes the space before it
        assertThat(sp.encodeOrdinary("hello <x> world")).containsExactly(META_HELLO, 300, META_WORLD);
        assertThat(sp.isSpecial(300)).isFalse();
        assertThat(sp.specialTokens()).doesNotContainKey("<x>");
        // single_word: not inside "hello", but alone
        assertThat(sp.encodeOrdinary("hello")).containsExactly(META_HELLO);
        assertThat(sp.encodeOrdinary("hello ell")).containsExactly(META_HELLO, META, 301);
        // special tokens keep tiktoken's policy
        assertThatThrownBy(() -> sp.encode("<s>")).isInstanceOf(DisallowedSpecialTokenException.class);
    }

    @Test
    void postProcessorKinds() throws Exception {
        ObjectNode json = llama2Style();
        json.putObject("post_processor").put("type", "RobertaProcessing");
        ((ObjectNode) json.get("post_processor")).putArray("cls").add("<s>").add(1);
        ((ObjectNode) json.get("post_processor")).putArray("sep").add("</s>").add(2);
        assertThat(read(json).encodeWithSpecialTokens("hello", SpecialTokenPolicy.treatAsText()))
                .containsExactly(1, HELLO + 1, 2);
        ObjectNode sequence = json.putObject("post_processor").put("type", "Sequence");
        sequence.putArray("processors").addObject().put("type", "ByteLevel");
        ((ArrayNode) sequence.get("processors")).add(template("</s>", 2));
        assertThat(read(json).postProcessor().prefix()).containsExactly(2);
        json.putObject("post_processor").put("type", "Frobnicate");
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("Frobnicate");
    }

    @Test
    void tokenizerConfigAddBosAndEosOverrideTheFile() throws Exception {
        Files.write(dir.resolve("tokenizer.json"), JSON.writeValueAsBytes(llama2Style()));
        assertThat(BundleTokenizerFiles.read(dir).encodeWithSpecialTokens("hello", SpecialTokenPolicy.treatAsText()))
                .containsExactly(1, META_HELLO);
        ObjectNode config = JSON.createObjectNode().put("add_bos_token", false).put("add_eos_token", true);
        config.putObject("eos_token").put("content", "</s>").put("special", true);
        Files.write(dir.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(config));
        assertThat(BundleTokenizerFiles.read(dir).encodeWithSpecialTokens("hello", SpecialTokenPolicy.treatAsText()))
                .containsExactly(META_HELLO, 2);
        config.put("eos_token", "<missing>");
        Files.write(dir.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(config));
        assertThatThrownBy(() -> BundleTokenizerFiles.read(dir)).hasMessageContaining("<missing>");
    }

    @Test
    void refusesComponentsItDoesNotImplementNamingThem() throws Exception {
        ObjectNode lowercase = llama2Style();
        lowercase.putObject("normalizer").put("type", "Lowercase");
        assertThatThrownBy(() -> read(lowercase))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("Lowercase");
        ObjectNode whitespace = llama2Style();
        whitespace.putObject("pre_tokenizer").put("type", "Whitespace");
        assertThatThrownBy(() -> read(whitespace))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("Whitespace");
        ObjectNode noDecoder = llama2Style();
        noDecoder.remove("decoder");
        assertThatThrownBy(() -> read(noDecoder))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("round-trip");
        ObjectNode regexReplace = llama2Style();
        ((ObjectNode) regexReplace.get("normalizer").get("normalizers").get(1).get("pattern"))
                .removeAll()
                .put("Regex", "\\s");
        assertThatThrownBy(() -> read(regexReplace))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("Regex");
        assertThatThrownBy(() -> TiktokenRankFile.write(read(llama2Style()), new java.io.ByteArrayOutputStream()))
                .isInstanceOf(UnsupportedTokenizerFeatureException.class)
                .hasMessageContaining("SentencePiece");
    }
}
