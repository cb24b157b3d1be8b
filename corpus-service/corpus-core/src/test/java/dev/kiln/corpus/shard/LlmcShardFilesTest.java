package dev.kiln.corpus.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.corpus.v1.TokenShard;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmcShardFilesTest {

    @Test
    void writesTheLlmcHeaderAndUint16Tokens(@TempDir Path dir) throws Exception {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "r50k_base", 50257, 50256, 8, 0);
        assertThat(packer.add(new int[] {1, 300, 50000}, "a")).isEmpty();
        TokenShard shard = packer.flush().get(0).shard();
        Path file = new LlmcShardFiles(dir).write(shard);

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.capacity()).isEqualTo(1024 + 2 * 4);
        assertThat(bytes.getInt(0)).isEqualTo(20240520);
        assertThat(bytes.getInt(4)).isEqualTo(1);
        assertThat(bytes.getInt(8)).isEqualTo(4);
        assertThat(bytes.getInt(12)).isZero();
        int[] tokens = new int[4];
        for (int i = 0; i < 4; i++) {
            tokens[i] = Short.toUnsignedInt(bytes.getShort(1024 + 2 * i));
        }
        assertThat(tokens).containsExactly(1, 300, 50000, 50256);
        assertThat(file.getFileName().toString()).isEqualTo("p-0.bin");
    }

    @Test
    void refusesTokensWiderThanUint16(@TempDir Path dir) {
        TokenShardPacker<String> packer = new TokenShardPacker<>("p", "o200k_base", 200_019, 199_999, 8, 0);
        packer.add(new int[] {150_000}, "a");
        TokenShard wide = packer.flush().get(0).shard();
        assertThatThrownBy(() -> new LlmcShardFiles(dir).write(wide)).hasMessageContaining("uint16");
    }
}
