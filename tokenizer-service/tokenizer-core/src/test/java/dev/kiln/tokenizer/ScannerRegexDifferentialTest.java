package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each hand-written scanner must split exactly as java.util.regex does with the same pattern. */
class ScannerRegexDifferentialTest {

    static String patternNamed(String name) {
        return switch (name) {
            case "r50k" -> Pretokenizer.R50K_PATTERN;
            case "cl100k" -> Pretokenizer.CL100K_PATTERN;
            case "o200k" -> Pretokenizer.O200K_PATTERN;
            case "gpt2-hf" -> HuggingFaceTokenizerJson.BYTE_LEVEL_REGEX;
            case "gpt2-old" -> "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
            case "cl100k-legacy" ->
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                        + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"r50k", "cl100k", "o200k", "gpt2-hf", "gpt2-old", "cl100k-legacy"})
    void scannerEqualsRegex(String name) {
        String pattern = patternNamed(name);
        Pretokenizer scanner = Pretokenizer.forPattern(pattern);
        Pretokenizer regex = Pretokenizer.regexOnly(pattern);
        assertThat(scanner.isScanner()).isTrue();

        List<String> inputs = new ArrayList<>(TestCorpora.emoji());
        inputs.addAll(TestCorpora.whitespaceAndDigits());
        inputs.addAll(TestCorpora.europarl().subList(0, 300));
        inputs.addAll(TestCorpora.javaSources().subList(0, 30));
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int i = 0; i < 30_000; i++) {
            inputs.add(TestCorpora.randomUnicode(rnd, 24, true));
        }
        // o200k's case-split branches: every mix of Lu, Ll, Lt, Lm, Lo and marks
        String letters = "aAǅʰ中\u0301\u0903xY";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(8);
            for (int k = 0; k < n; k++) {
                sb.append(
                        rnd.nextInt(6) == 0
                                ? " '!\n1s".charAt(rnd.nextInt(6))
                                : letters.charAt(rnd.nextInt(letters.length())));
            }
            inputs.add(sb.toString());
        }
        int checked = 0;
        for (String text : inputs) {
            assertThat(scanner.split(text)).as("pieces of [%s]", text).isEqualTo(regex.split(text));
            // sub-ranges too: the segment end must behave as end of text
            if (text.length() > 4) {
                int from = 1;
                int to = text.length() - 1;
                if (!Character.isLowSurrogate(text.charAt(from)) && !Character.isLowSurrogate(text.charAt(to))) {
                    assertThat(pieces(scanner, text, from, to)).isEqualTo(pieces(regex, text, from, to));
                }
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(50_000);
    }

    private static List<String> pieces(Pretokenizer p, String text, int from, int to) {
        List<String> out = new ArrayList<>();
        Pretokenizer.Cursor c = p.cursor(text, from, to);
        while (c.next()) {
            out.add(c.start + ":" + text.substring(c.start, c.end));
        }
        return out;
    }
}
