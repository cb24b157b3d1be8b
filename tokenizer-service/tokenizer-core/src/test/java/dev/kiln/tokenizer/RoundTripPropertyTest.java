package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** decode(encode(x)) == x for random valid strings, and bytes round-trip even with lone surrogates. */
class RoundTripPropertyTest {

    @ParameterizedTest
    @ValueSource(strings = {"r50k_base", "p50k_base", "cl100k_base", "o200k_base"})
    void decodeOfEncodeIsIdentity(String name) {
        Encoding e = EncodingRegistry.getDefault().get(name);
        SplittableRandom rnd = new SplittableRandom(20261129L ^ name.hashCode());
        for (int i = 0; i < 20_000; i++) {
            String s = TestCorpora.randomUnicode(rnd, 64, false);
            int[] ids = e.encode(s, SpecialTokenPolicy.allowAll());
            assertThat(e.decode(ids)).as("round trip of [%s]", s).isEqualTo(s);
            assertThat(e.countTokens(s, SpecialTokenPolicy.allowAll())).isEqualTo(ids.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cl100k_base", "o200k_base"})
    void bytesRoundTripWithTiktokensSurrogateReplacement(String name) {
        Encoding e = EncodingRegistry.getDefault().get(name);
        SplittableRandom rnd = new SplittableRandom(99);
        for (int i = 0; i < 5_000; i++) {
            String s = TestCorpora.randomUnicode(rnd, 32, true);
            byte[] expected = Utf8.replaceLoneSurrogates(s).getBytes(StandardCharsets.UTF_8);
            assertThat(e.decodeBytes(e.encodeOrdinary(s))).isEqualTo(expected);
        }
    }
}
