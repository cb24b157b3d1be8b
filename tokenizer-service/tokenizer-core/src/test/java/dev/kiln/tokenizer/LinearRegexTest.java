package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** User patterns on RE2/J split text as tiktoken's semantics (the java.util.regex reference) do, in linear time. */
class LinearRegexTest {

    private static final List<String> TEXTS = List.of(
            "Hello, world! 123 apples\n\n  and\u00a0über-Straße \u3000日本語 テキスト 42\u2028end  ",
            "tabs\tand\u2003em spaces, digits ٤٥٦ and ١٢, under_score and\r\nCRLF $dollar$ at the end\n",
            "");

    @Test
    void userPatternsSplitAsTheReferenceEngineDoes() {
        List<String> patterns = List.of(
                " ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+$|\\s",
                "\\w+|\\W",
                "\\d+|\\D",
                "\\S+|\\s+",
                "(?i:'s|'t)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|\\s*[\\r\\n]+|\\s+$|\\s+",
                "[$a-z]+|[^$a-z]");
        for (String pattern : patterns) {
            Pretokenizer linear = Pretokenizer.linear(pattern);
            assertThat(linear.isLinear()).isTrue();
            assertThat(linear.isScanner()).isFalse();
            Pretokenizer reference = Pretokenizer.regexOnly(pattern);
            for (String text : TEXTS) {
                assertThat(linear.split(text)).as("%s on %s", pattern, text).isEqualTo(reference.split(text));
            }
        }
    }

    @Test
    void aSegmentEndActsAsTheEndOfText() {
        Pretokenizer linear = Pretokenizer.linear("\\s+$|\\s|\\w+");
        String text = "ab  cd  ";
        Pretokenizer.Cursor cursor = linear.cursor(text, 0, 4);
        List<String> pieces = new java.util.ArrayList<>();
        while (cursor.next()) {
            pieces.add(text.substring(cursor.start, cursor.end));
        }
        assertThat(pieces).containsExactly("ab", "  ");
    }

    @Test
    void catastrophicPatternsRunInLinearTime() {
        String line = "a".repeat(100_000) + "!";
        for (String pattern : List.of("(a+)+$", "(a|aa)+$", "(a*)*$", "(\\w+\\s?)*$")) {
            long started = System.nanoTime();
            Pretokenizer.linear(pattern).split(line);
            // Well under a second on an idle core; the bound leaves room for a loaded build machine,
            // since a backtracking engine would need on the order of 2^100000 steps, not seconds.
            assertThat((System.nanoTime() - started) / 1_000_000).as(pattern).isLessThan(5000);
        }
    }

    @Test
    void constructsThatBacktrackAreRefusedByName() {
        assertThatThrownBy(() -> Pretokenizer.linear("a(?=b)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(?=");
        assertThatThrownBy(() -> Pretokenizer.linear("(a)\\1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\\1");
        assertThatThrownBy(() -> Pretokenizer.linear("[^\\S\\n]+"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\\S inside a character class");
    }

    @Test
    void standardPatternsKeepTheirScannersAndOperatorPatternsFallBack() {
        assertThat(Pretokenizer.linear(Pretokenizer.O200K_PATTERN).isScanner()).isTrue();
        assertThat(Pretokenizer.linear(Pretokenizer.R50K_PATTERN).isScanner()).isTrue();
        // From a tokenizer.json the operator gave: look-around still loads, on java.util.regex.
        Pretokenizer operator = Pretokenizer.forPattern("\\p{L}+(?=\\s)|\\s|.");
        assertThat(operator.isLinear()).isFalse();
        assertThat(operator.split("ab cd")).containsExactly("ab", " ", "c", "d");
        assertThat(Pretokenizer.forPattern("\\p{L}+|\\s").isLinear()).isTrue();
    }
}
