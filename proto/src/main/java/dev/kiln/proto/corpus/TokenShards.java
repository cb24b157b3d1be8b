package dev.kiln.proto.corpus;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte layout of {@link TokenShard#getTokens()}, shared by the producer (corpus-service)
 * and the consumers (trainer-service, anyone reading kiln.corpus.shards): little-endian ids,
 * uint16 when the vocabulary fits in 65,536 ids and uint32 otherwise, guarded by CRC32C.
 */
public final class TokenShards {

    /** Largest vocabulary whose ids fit in uint16. */
    public static final int UINT16_VOCAB_LIMIT = 1 << 16;

    private TokenShards() {}

    /** The narrowest width that holds every id of a vocabulary of {@code vocabSize}. */
    public static TokenWidth widthFor(int vocabSize) {
        return vocabSize <= UINT16_VOCAB_LIMIT ? TokenWidth.TOKEN_WIDTH_UINT16 : TokenWidth.TOKEN_WIDTH_UINT32;
    }

    public static int bytesPerToken(TokenWidth width) {
        return switch (width) {
            case TOKEN_WIDTH_UINT16 -> 2;
            case TOKEN_WIDTH_UINT32 -> 4;
            default -> throw new IllegalArgumentException("Unknown token width " + width);
        };
    }

    /** Packs {@code count} ids from {@code ids} into little-endian bytes of the given width. */
    public static ByteString pack(int[] ids, int count, TokenWidth width) {
        ByteBuffer buffer = ByteBuffer.allocate(count * bytesPerToken(width)).order(ByteOrder.LITTLE_ENDIAN);
        if (width == TokenWidth.TOKEN_WIDTH_UINT16) {
            for (int i = 0; i < count; i++) {
                if ((ids[i] >>> 16) != 0) {
                    throw new IllegalArgumentException("Token id " + ids[i] + " at " + i + " does not fit uint16");
                }
                buffer.putShort((short) ids[i]);
            }
        } else {
            for (int i = 0; i < count; i++) {
                buffer.putInt(ids[i]);
            }
        }
        return ByteString.copyFrom(buffer.array());
    }

    /** CRC32C of the packed tokens, as stored in {@link TokenShard#getCrc32C()}. */
    public static int crc32c(ByteString packed) {
        CRC32C crc = new CRC32C();
        crc.update(packed.asReadOnlyByteBuffer());
        return (int) crc.getValue();
    }

    /**
     * The ids of a shard, after checking its CRC and its declared token count.
     *
     * @throws CorruptShardException when the bytes do not match the CRC or the count
     */
    public static int[] unpack(TokenShard shard) {
        ByteString packed = shard.getTokens();
        int width = bytesPerToken(shard.getTokenWidth());
        if (packed.size() != shard.getTokenCount() * width) {
            throw new CorruptShardException("Shard " + shard.getShardId() + " holds " + packed.size()
                    + " bytes, but declares " + shard.getTokenCount() + " tokens of " + width + " bytes");
        }
        int actualCrc = crc32c(packed);
        if (actualCrc != shard.getCrc32C()) {
            throw new CorruptShardException(String.format(
                    "Shard %s fails its CRC32C check: stored %08x, computed %08x",
                    shard.getShardId(), shard.getCrc32C(), actualCrc));
        }
        ByteBuffer buffer = packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[shard.getTokenCount()];
        if (width == 2) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Short.toUnsignedInt(buffer.getShort());
            }
        } else {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = buffer.getInt();
            }
        }
        return ids;
    }

    /** A shard whose bytes do not match what it declares. */
    public static final class CorruptShardException extends RuntimeException {
        public CorruptShardException(String message) {
            super(message);
        }
    }
}
