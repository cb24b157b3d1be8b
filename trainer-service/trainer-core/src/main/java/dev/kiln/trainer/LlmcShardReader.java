package dev.kiln.trainer;

import dev.kiln.proto.corpus.LlmcTokenFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads token shards in llm.c's format ({@link LlmcTokenFile}). */
public final class LlmcShardReader {
    private static final int HEADER_BYTES = LlmcTokenFile.HEADER_BYTES;

    private LlmcShardReader() {}

    /**
     * Memory-maps a shard instead of loading it (llm.c's shards hold 100M tokens = 200 MB; as an
     * int[] that would be 400 MB of heap). The mapping stays valid after this returns.
     */
    public static TokenSource map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int count = tokenCount(file, ch);
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

    /** The number of tokens in a shard, from its header (checked against the file's size). */
    public static int tokenCount(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return tokenCount(file, ch);
        }
    }

    private static int tokenCount(Path file, FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
            // read the first three header ints
        }
        return LlmcTokenFile.tokenCount(file, head.flip(), ch.size());
    }

    public static int[] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int count = LlmcTokenFile.tokenCount(file, bb, bytes.length);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = bb.getShort(HEADER_BYTES + 2 * i) & 0xFFFF;
        }
        return tokens;
    }
}
