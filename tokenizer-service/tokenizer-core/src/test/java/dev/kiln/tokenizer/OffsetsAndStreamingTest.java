package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OffsetsAndStreamingTest {
    private final Encoding cl = EncodingRegistry.getDefault().get("cl100k_base");
    private final Encoding o200k = EncodingRegistry.getDefault().get("o200k_base");

    @Test
    void spansOfPlainText() {
        EncodedText t = cl.encodeWithOffsets("hello world", SpecialTokenPolicy.disallowAll());
        assertThat(t.ids()).containsExactly(15339, 1917);
        assertThat(t.spans()).containsExactly(new TokenSpan(0, 5, 0, 5), new TokenSpan(5, 11, 5, 11));
    }

    @Test
    void aTokenInsideACharacterSpansTheWholeCharacter() {
        // 👍 is two chars, four bytes and three cl100k tokens
        EncodedText t = cl.encodeWithOffsets("a👍", SpecialTokenPolicy.disallowAll());
        assertThat(t.ids()).containsExactly(64, 9468, 239, 235);
        assertThat(t.span(0)).isEqualTo(new TokenSpan(0, 1, 0, 1));
        assertThat(t.span(1)).isEqualTo(new TokenSpan(1, 3, 1, 3));
        assertThat(t.span(2)).isEqualTo(new TokenSpan(1, 3, 3, 4));
        assertThat(t.span(3)).isEqualTo(new TokenSpan(1, 3, 4, 5));
    }

    @Test
    void specialTokensGetTheirTextSpan() {
        String text = "é<|endoftext|>x";
        EncodedText t = cl.encodeWithOffsets(text, SpecialTokenPolicy.allowAll());
        int special = Arrays.stream(t.ids()).boxed().toList().indexOf(100257);
        assertThat(t.span(special)).isEqualTo(new TokenSpan(1, 14, 2, 15));
        assertThat(t.span(t.size() - 1)).isEqualTo(new TokenSpan(14, 15, 15, 16));
    }

    @Test
    void byteSpansTileTheInputAndMatchTheTokenBytes() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (Encoding e : new Encoding[] {cl, o200k}) {
            for (int i = 0; i < 3_000; i++) {
                String s = TestCorpora.randomUnicode(rnd, 48, true);
                EncodedText t = e.encodeWithOffsets(s, SpecialTokenPolicy.allowAll());
                assertThat(t.ids()).containsExactly(e.encode(s, SpecialTokenPolicy.allowAll()));
                byte[] utf8 = Utf8.replaceLoneSurrogates(s).getBytes(StandardCharsets.UTF_8);
                int expectedStart = 0;
                for (int k = 0; k < t.size(); k++) {
                    TokenSpan span = t.span(k);
                    assertThat(span.byteStart()).isEqualTo(expectedStart);
                    assertThat(Arrays.copyOfRange(utf8, span.byteStart(), span.byteEnd()))
                            .isEqualTo(e.tokenBytes(t.id(k)));
                    assertThat(span.charStart()).isBetween(0, span.charEnd() - 1);
                    assertThat(span.charEnd()).isLessThanOrEqualTo(s.length());
                    expectedStart = span.byteEnd();
                }
                assertThat(expectedStart).isEqualTo(utf8.length);
            }
        }
    }

    @Test
    void regexPathReportsSpansToo() {
        Encoding viaRegex = new Encoding(
                "cl-regex", Pretokenizer.regexOnly(Pretokenizer.CL100K_PATTERN), cl.ranks(), cl.specialTokens());
        String text = "Größe 42 — naïve 👍🏽 text\n\n  end";
        assertThat(viaRegex.encodeWithOffsets(text, SpecialTokenPolicy.allowAll())
                        .spans())
                .isEqualTo(cl.encodeWithOffsets(text, SpecialTokenPolicy.allowAll())
                        .spans());
    }

    @Test
    void streamingDecoderEmitsOnlyCompleteCharacters() {
        StreamingDecoder d = cl.newStreamingDecoder();
        assertThat(d.push(64)).isEqualTo("a");
        assertThat(d.push(9468)).isEmpty();
        assertThat(d.hasPending()).isTrue();
        assertThat(d.push(239)).isEmpty();
        assertThat(d.push(235)).isEqualTo("👍");
        assertThat(d.hasPending()).isFalse();
        assertThat(d.finish()).isEmpty();
        assertThat(d.bytes()).isEqualTo("a👍".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamingDecoderReassemblesAnyTextAndFlushesUnfinishedBytes() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 3_000; i++) {
            String s = TestCorpora.randomUnicode(rnd, 48, false);
            StreamingDecoder d = o200k.newStreamingDecoder();
            StringBuilder out = new StringBuilder();
            for (int id : o200k.encode(s, SpecialTokenPolicy.allowAll())) {
                String piece = d.push(id);
                assertThat(piece).doesNotContain("\uFFFD");
                out.append(piece);
            }
            out.append(d.finish());
            assertThat(out.toString()).isEqualTo(s);
        }
        StreamingDecoder d = cl.newStreamingDecoder();
        assertThat(d.push(9468)).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void invalidBytesAreEmittedAtOnceNotHeldForever() {
        // byte 0xFF can never start a character; a lone continuation byte neither
        int ff = cl.encodeSingleToken(new byte[] {(byte) 0xFF});
        int cont = cl.encodeSingleToken(new byte[] {(byte) 0x80});
        StreamingDecoder d = cl.newStreamingDecoder();
        assertThat(d.push(ff)).isEqualTo("\uFFFD");
        assertThat(d.push(cont)).isEqualTo("\uFFFD");
        assertThat(d.hasPending()).isFalse();
    }

    @Test
    void unknownIdsAreRejectedWithTheId() {
        assertThatThrownBy(() -> cl.decode(new int[] {1, 100_261}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100261");
        assertThatThrownBy(() -> cl.newStreamingDecoder().push(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
