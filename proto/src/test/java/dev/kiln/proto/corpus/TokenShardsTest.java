package dev.kiln.proto.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenShardsTest {

    private static TokenShard shardOf(int[] ids, TokenWidth width) {
        ByteString packed = TokenShards.pack(ids, ids.length, width);
        return TokenShard.newBuilder()
                .setShardId("s")
                .setTokenCount(ids.length)
                .setTokenWidth(width)
                .setTokens(packed)
                .setCrc32C(TokenShards.crc32c(packed))
                .build();
    }

    @Test
    void widthFollowsVocabularySize() {
        assertThat(TokenShards.widthFor(50257)).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT16);
        assertThat(TokenShards.widthFor(65536)).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT16);
        assertThat(TokenShards.widthFor(65537)).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT32);
        assertThat(TokenShards.widthFor(200019)).isEqualTo(TokenWidth.TOKEN_WIDTH_UINT32);
    }

    @Test
    void packsLittleEndianAndRoundTrips() {
        int[] ids = {0, 1, 255, 256, 65535};
        ByteString packed = TokenShards.pack(ids, ids.length, TokenWidth.TOKEN_WIDTH_UINT16);
        assertThat(packed.toByteArray()).containsExactly(0, 0, 1, 0, 0xff, 0, 0, 1, 0xff, 0xff);
        assertThat(TokenShards.unpack(shardOf(ids, TokenWidth.TOKEN_WIDTH_UINT16)))
                .containsExactly(ids);

        Random random = new Random(7);
        int[] wide = random.ints(10_000, 0, 200_019).toArray();
        assertThat(TokenShards.unpack(shardOf(wide, TokenWidth.TOKEN_WIDTH_UINT32)))
                .containsExactly(wide);
    }

    @Test
    void crcMatchesTheCastagnoliCheckValue() {
        // The standard check value of CRC-32C over the ASCII bytes "123456789".
        assertThat(TokenShards.crc32c(ByteString.copyFromUtf8("123456789"))).isEqualTo(0xE3069283);
    }

    @Test
    void rejectsIdsTooWideForUint16() {
        assertThatThrownBy(() -> TokenShards.pack(new int[] {70_000}, 1, TokenWidth.TOKEN_WIDTH_UINT16))
                .hasMessageContaining("70000");
    }

    @Test
    void detectsCorruptionAndTruncation() {
        TokenShard good = shardOf(new int[] {1, 2, 3, 4}, TokenWidth.TOKEN_WIDTH_UINT16);
        byte[] flipped = good.getTokens().toByteArray();
        flipped[3] ^= 0x10;
        TokenShard corrupt =
                good.toBuilder().setTokens(ByteString.copyFrom(flipped)).build();
        assertThatThrownBy(() -> TokenShards.unpack(corrupt))
                .isInstanceOf(TokenShards.CorruptShardException.class)
                .hasMessageContaining("CRC32C");
        TokenShard truncated = good.toBuilder().setTokenCount(5).build();
        assertThatThrownBy(() -> TokenShards.unpack(truncated))
                .isInstanceOf(TokenShards.CorruptShardException.class)
                .hasMessageContaining("declares 5 tokens");
    }
}
