package dev.kiln.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads token shards in llm.c's format: a 1024-byte header of 256 little-endian int32
 * (header[0] = magic 20240520, header[1] = version 1, header[2] = token count, rest zero),
 * then the tokens as little-endian uint16.
 */
public final class LlmcShardReader {
    public static final int MAGIC = 20240520;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 1024;

    private LlmcShardReader() {}

    /**
     * Memory-maps a shard instead of loading it (llm.c's shards hold 100M tokens = 200 MB; as an
     * int[] that would be 400 MB of heap). The mapping stays valid after this returns.
     */
    public static TokenSource map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new IOException(file + ": shorter than the 1024-byte llm.c header");
            }
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
                // read the first three header ints
            }
            int count = checkHeader(file, head.flip(), size);
            ShortBuffer tokens = ch.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, 2L * count)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asShortBuffer();
            return new TokenSource() {
                @Override
                public long size() {
                    return count;
                }

                @Override
                public void read(long start, int[] dst, int off, int len) {
                    int s = Math.toIntExact(start);
                    for (int i = 0; i < len; i++) {
                        dst[off + i] = tokens.get(s + i) & 0xFFFF;
                    }
                }
            };
        }
    }

    private static int checkHeader(Path file, ByteBuffer bb, long fileSize) throws IOException {
        int magic = bb.getInt(0), version = bb.getInt(4), count = bb.getInt(8);
        if (magic != MAGIC) {
            throw new IOException(file + ": magic " + magic + ", expected " + MAGIC + " (not an llm.c token shard)");
        }
        if (version != VERSION) {
            throw new IOException(file + ": llm.c shard version " + version + " is not supported (expected 1)");
        }
        long expected = HEADER_BYTES + 2L * count;
        if (count < 0 || fileSize != expected) {
            throw new IOException(
                    file + ": header says " + count + " tokens (" + expected + " bytes) but file has " + fileSize);
        }
        return count;
    }

    public static int[] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_BYTES) {
            throw new IOException(file + ": shorter than the 1024-byte llm.c header");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int count = checkHeader(file, bb, bytes.length);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = bb.getShort(HEADER_BYTES + 2 * i) & 0xFFFF;
        }
        return tokens;
    }
}
