package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PyTextTest {
    @Test
    void splitlinesMatchesPython() {
        // Python: "a\nb\r\nc\rd\x0be\x0cf\x1cg\u2028h\n".splitlines() == ['a','b','c','d','e','f','g','h']
        assertThat(PyText.splitlines("a\nb\r\nc\rd\u000be\u000cf\u001cg\u2028h\n"))
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
        assertThat(PyText.splitlines("")).isEmpty();
        assertThat(PyText.splitlines("\n\nx")).containsExactly("", "", "x");
        assertThat(PyText.splitNewline("a\n")).containsExactly("a", "");
    }

    @Test
    void lengthsAndWhitespaceAreCodePointBased() {
        assertThat(PyText.len("a\uD83D\uDE00b")).isEqualTo(3);
        assertThat(PyText.strip("\u00A0 x \u2003\u0085")).isEqualTo("x");
        assertThat(PyText.splitWhitespace(" a\u00A0b  c\u3000d ")).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(PyText.isAlpha('\u00E9')).isTrue();
        assertThat(PyText.isAlpha('1')).isFalse();
    }

    @Test
    void simplifyAsDatatrove() {
        assertThat(PyText.simplify("  Héllo,   WORLD!! It's 2024 — café №12 ")).isEqualTo("hello world its 0 cafe №0");
    }

    @Test
    void wordTokenizerSplitsPunctuationAndClitics() {
        assertThat(WordTokenizer.words("Don't stop: it's 3.14, well-known..."))
                .containsExactly("Do", "n't", "stop", ":", "it", "'s", "3.14", ",", "well-known", "...");
    }
}
