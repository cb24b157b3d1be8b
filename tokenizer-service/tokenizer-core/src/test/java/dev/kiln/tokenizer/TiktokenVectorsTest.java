package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Vectors from tiktoken's own test suite and documentation. */
class TiktokenVectorsTest {
    private static Encoding enc(String name) {
        return EncodingRegistry.getDefault().get(name);
    }

    @Test
    void helloWorld() {
        assertThat(enc("r50k_base").encode("hello world")).containsExactly(31373, 995);
        assertThat(enc("p50k_base").encode("hello world")).containsExactly(31373, 995);
        assertThat(enc("cl100k_base").encode("hello world")).containsExactly(15339, 1917);
        assertThat(enc("o200k_base").encode("hello world")).containsExactly(24912, 2375);
        assertThat(enc("r50k_base").decode(new int[] {31373, 995})).isEqualTo("hello world");
        assertThat(enc("cl100k_base").decode(new int[] {15339, 1917})).isEqualTo("hello world");
    }

    @Test
    void endOfTextWhenAllowed() {
        assertThat(enc("r50k_base").encode("hello <|endoftext|>", SpecialTokenPolicy.allowAll()))
                .containsExactly(31373, 220, 50256);
        assertThat(enc("cl100k_base").encode("hello <|endoftext|>", SpecialTokenPolicy.allowAll()))
                .containsExactly(15339, 220, 100257);
    }

    @Test
    void repeatedZeros() {
        Encoding gpt2 = enc("r50k_base");
        assertThat(gpt2.encode("0")).containsExactly(15);
        assertThat(gpt2.encode("00")).containsExactly(405);
        assertThat(gpt2.encode("000")).containsExactly(830);
        assertThat(gpt2.encode("0000")).containsExactly(2388);
        assertThat(gpt2.encode("00000")).containsExactly(20483);
        assertThat(gpt2.encode("000000")).containsExactly(10535);
        assertThat(gpt2.encode("0000000")).containsExactly(24598);
        assertThat(gpt2.encode("00000000")).containsExactly(8269);
        assertThat(gpt2.encode("000000000")).containsExactly(10535, 830);
        assertThat(gpt2.encode("0000000000")).containsExactly(8269, 405);
        assertThat(gpt2.encode("0000000000000000")).containsExactly(25645);
        assertThat(gpt2.encode("00000000000000000")).containsExactly(8269, 10535, 830);
    }

    @Test
    void cl100kRegexCorners() {
        Encoding cl = enc("cl100k_base");
        assertThat(cl.encode("rer")).containsExactly(38149);
        assertThat(cl.encode("'rer")).containsExactly(2351, 81);
        assertThat(cl.encode("today\n ")).containsExactly(31213, 198, 220);
        assertThat(cl.encode("today\n \n")).containsExactly(31213, 27907);
        assertThat(cl.encode("today\n  \n")).containsExactly(31213, 14211);
    }

    @Test
    void surrogatePairsAndLoneSurrogates() {
        Encoding cl = enc("cl100k_base");
        assertThat(cl.encode("👍")).containsExactly(9468, 239, 235);
        assertThat(cl.encode("\ud83d\udc4d")).containsExactly(9468, 239, 235);
        // tiktoken re-encodes text with lone surrogates using errors="replace": they become U+FFFD
        assertThat(cl.encode("\ud83d")).containsExactly(cl.encode("\uFFFD"));
        assertThat(cl.encode("a\udc4db")).containsExactly(cl.encode("a\uFFFDb"));
        assertThat(cl.decodeBytes(cl.encode("x\ud800"))).isEqualTo("x\uFFFD".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void catastrophicallyRepetitiveInputsRoundTrip() {
        for (String name : new String[] {"r50k_base", "cl100k_base", "o200k_base"}) {
            Encoding e = enc(name);
            for (String c : new String[] {"^", "0", "a", "'s", " ", "\n"}) {
                String big = c.repeat(10_000);
                assertThat(e.decode(e.encode(big))).isEqualTo(big);
                assertThat(e.decode(e.encode(" " + big))).isEqualTo(" " + big);
                assertThat(e.decode(e.encode(big + "\n"))).isEqualTo(big + "\n");
            }
        }
    }

    @Test
    void vocabularySizes() {
        assertThat(enc("r50k_base").vocabularySize()).isEqualTo(50257);
        assertThat(enc("p50k_base").vocabularySize()).isEqualTo(50281);
        assertThat(enc("cl100k_base").vocabularySize()).isEqualTo(100277);
        assertThat(enc("o200k_base").vocabularySize()).isEqualTo(200019);
    }
}
