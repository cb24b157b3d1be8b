package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecialTokenPolicyTest {
    private final Encoding cl = EncodingRegistry.getDefault().get("cl100k_base");
    private static final String TEXT = "<|endoftext|> hello <|fim_prefix|>";

    @Test
    void defaultPolicyRejectsSpecialTextAndNamesTheToken() {
        assertThatThrownBy(() -> cl.encode(TEXT))
                .isInstanceOf(DisallowedSpecialTokenException.class)
                .hasMessageContaining("<|endoftext|>")
                .satisfies(e -> assertThat(((DisallowedSpecialTokenException) e).charIndex())
                        .isZero());
        assertThatThrownBy(() -> cl.encode("a <|fim_prefix|>", SpecialTokenPolicy.allow(Set.of("<|endoftext|>"))))
                .isInstanceOf(DisallowedSpecialTokenException.class)
                .hasMessageContaining("<|fim_prefix|>");
    }

    @Test
    void allowAllEncodesSpecialIds() {
        int[] ids = cl.encode(TEXT, SpecialTokenPolicy.allowAll());
        assertThat(ids[0]).isEqualTo(100257);
        assertThat(ids[ids.length - 1]).isEqualTo(100258);
        assertThat(cl.decode(ids)).isEqualTo(TEXT);
    }

    @Test
    void allowedSetEncodesOnlyThoseAndLeavesDisallowedCheckToTheRest() {
        SpecialTokenPolicy policy = SpecialTokenPolicy.of(List.of("<|fim_prefix|>"), List.of());
        int[] ids = cl.encode(TEXT, policy);
        assertThat(ids).contains(100258).doesNotContain(100257);
        assertThat(cl.decode(ids)).isEqualTo(TEXT);
    }

    @Test
    void treatAsTextNeverProducesSpecialIds() {
        int[] ids = cl.encode(TEXT, SpecialTokenPolicy.treatAsText());
        assertThat(ids).doesNotContain(100257, 100258);
        assertThat(ids).containsExactly(cl.encodeOrdinary(TEXT));
        assertThat(cl.decode(ids)).isEqualTo(TEXT);
        assertThat(cl.countTokens(TEXT, SpecialTokenPolicy.treatAsText())).isEqualTo(ids.length);
    }

    @Test
    void segmentsBetweenSpecialTokensArePretokenizedSeparately() {
        // whitespace before a special token ends its segment, as in tiktoken
        String text = "a  <|endoftext|>  b";
        int[] ids = cl.encode(text, SpecialTokenPolicy.allowAll());
        int[] expected = concat(cl.encodeOrdinary("a  "), new int[] {100257}, cl.encodeOrdinary("  b"));
        assertThat(ids).containsExactly(expected);
    }

    @Test
    void bothAllowedAndDisallowedIsRejected() {
        assertThatThrownBy(() -> SpecialTokenPolicy.of(List.of("<|endoftext|>"), List.of("<|endoftext|>")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts)
                .flatMapToInt(java.util.Arrays::stream)
                .toArray();
    }
}
