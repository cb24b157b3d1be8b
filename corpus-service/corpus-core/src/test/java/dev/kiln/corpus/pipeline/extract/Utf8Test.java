package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    /** The JDK's strict decoder: the verdict Utf8 must agree with wherever it answers. */
    private static String strict(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Test
    void decodesTextOfEveryWidthAsTheJdkDoes() {
        Random rnd = new Random(15);
        for (int t = 0; t < 2000; t++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                int cp = switch (rnd.nextInt(5)) {
                    case 0, 1 -> rnd.nextInt(0x80); // ASCII runs cross the eight-byte steps
                    case 2 -> 0x80 + rnd.nextInt(0x800 - 0x80);
                    case 3 -> {
                        int c = 0x800 + rnd.nextInt(0x10000 - 0x800);
                        yield c >= 0xD800 && c <= 0xDFFF ? 0x2019 : c;
                    }
                    default -> 0x10000 + rnd.nextInt(0x110000 - 0x10000);
                };
                sb.appendCodePoint(cp);
            }
            sb.append('\u00e9'); // beyond ASCII, so Utf8 answers
            String s = sb.toString();
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.decode(b, 0)).isEqualTo(s).isEqualTo(strict(b));
        }
    }

    @Test
    void offsetSkipsAByteOrderMark() {
        byte[] b = "\uFEFFcaf\u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.decode(b, 3)).isEqualTo("caf\u00e9");
    }

    @Test
    void leavesPureAsciiToTheJdk() {
        assertThat(Utf8.decode("plain ASCII text, longer than eight bytes".getBytes(StandardCharsets.US_ASCII), 0))
                .isNull();
    }

    @Test
    void everyMalformedSequenceIsLeftToTheStrictDecoder() {
        int[][] malformed = {
            {0x80}, // lone continuation byte
            {0xC0, 0xAF}, // overlong '/'
            {0xC1, 0xBF}, // overlong
            {0xC3}, // truncated two-byte
            {0xC3, 0x41}, // missing continuation
            {0xE0, 0x80, 0xAF}, // overlong three-byte
            {0xED, 0xA0, 0x80}, // UTF-16 surrogate
            {0xE2, 0x80}, // truncated three-byte
            {0xF0, 0x80, 0x80, 0xAF}, // overlong four-byte
            {0xF4, 0x90, 0x80, 0x80}, // past U+10FFFF
            {0xF5, 0x80, 0x80, 0x80}, // no such lead byte
            {0xF0, 0x9F, 0x98}, // truncated four-byte
            {0xFF}
        };
        for (int[] m : malformed) {
            byte[] b = new byte[m.length + 12];
            for (int i = 0; i < 10; i++) b[i] = 'a';
            for (int i = 0; i < m.length; i++) b[10 + i] = (byte) m[i];
            b[b.length - 2] = 'z';
            b[b.length - 1] = 'z';
            assertThat(strict(b))
                    .as("JDK verdict on %s", java.util.Arrays.toString(m))
                    .isNull();
            assertThat(Utf8.decode(b, 0))
                    .as("Utf8 on %s", java.util.Arrays.toString(m))
                    .isNull();
        }
    }
}
