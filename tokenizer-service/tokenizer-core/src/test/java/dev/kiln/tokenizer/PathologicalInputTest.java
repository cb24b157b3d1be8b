package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that are one huge pre-token: merging must neither go quadratic nor recurse. These assert
 * correctness (round trip, and for the heap path the same ids as the flat path / jtokkit).
 */
class PathologicalInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void millionRepeatedCharsAndMegabyteOfSpaces(String name) {
        Encoding e = EncodingRegistry.getDefault().get(name);
        for (String unit : new String[] {"a", " ", "\n", "0", "é", "😀", "ab"}) {
            String big = unit.repeat(1_000_000 / unit.length());
            int[] ids = e.encode(big);
            assertThat(e.decode(ids)).isEqualTo(big);
            assertThat(ids.length).isLessThanOrEqualTo(big.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            if (unit.equals("a") || unit.equals("ab")) {
                // long runs merge into multi-char tokens
                assertThat(ids.length).isLessThanOrEqualTo(big.length() / 2);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "cl100k_base", "o200k_base"})
    void heapPathAgreesWithReferenceAroundTheSwitchOver(String name) {
        Encoding e = EncodingRegistry.getDefault().get(name);
        com.knuddels.jtokkit.api.Encoding ref = Encodings.newDefaultEncodingRegistry()
                .getEncoding(EncodingType.fromName(name).orElseThrow());
        // long single pieces of varied content, just below and above the flat/heap threshold
        String word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt";
        for (int n = BytePairEncoder.LINEAR_LIMIT - 20; n < BytePairEncoder.LINEAR_LIMIT * 6; n += 37) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < n) {
                sb.append(word);
            }
            String piece = sb.substring(0, n);
            assertThat(e.encodeOrdinary(piece))
                    .as("n=%d", n)
                    .containsExactly(ref.encodeOrdinary(piece).toArray());
            String punct = "=-+*".repeat(n / 4);
            assertThat(e.encodeOrdinary(punct))
                    .containsExactly(ref.encodeOrdinary(punct).toArray());
        }
        for (String unit : new String[] {"a", " ", "ab", "\u4e2d"}) {
            String run = unit.repeat(20_000);
            assertThat(e.encodeOrdinary(run))
                    .containsExactly(ref.encodeOrdinary(run).toArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "a", "\n", "!"})
    void regexPathSurvivesMegabytePiecesToo(String unit) {
        Encoding cl = EncodingRegistry.getDefault().get("cl100k_base");
        Encoding viaRegex = new Encoding(
                "cl100k-regex", Pretokenizer.regexOnly(Pretokenizer.CL100K_PATTERN), cl.ranks(), cl.specialTokens());
        String big = unit.repeat(1_000_000);
        int[] ids = viaRegex.encodeOrdinary(big);
        assertThat(ids).containsExactly(cl.encodeOrdinary(big));
        assertThat(viaRegex.decode(ids)).isEqualTo(big);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cl100k_base"})
    void hugeInputLeavesNoHugeBuffersBehind(String name) {
        Encoding e = EncodingRegistry.getDefault().get(name);
        String big = "x".repeat(3_000_000);
        int[] first = e.encode(big);
        int[] again = e.encode("small text");
        assertThat(again).containsExactly(e.encode("small text"));
        assertThat(e.decode(first)).isEqualTo(big);
    }
}
