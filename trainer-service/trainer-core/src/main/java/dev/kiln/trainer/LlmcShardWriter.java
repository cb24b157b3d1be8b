package dev.kiln.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes llm.c token shards (see {@link LlmcShardReader}); tokens must fit in uint16. */
public final class LlmcShardWriter {
    private LlmcShardWriter() {}

    public static void write(Path file, int[] tokens) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(LlmcShardReader.HEADER_BYTES + 2 * tokens.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, LlmcShardReader.MAGIC).putInt(4, LlmcShardReader.VERSION).putInt(8, tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            if (t < 0 || t > 0xFFFF) {
                throw new IllegalArgumentException("token " + t + " at " + i + " does not fit in uint16");
            }
            bb.putShort(LlmcShardReader.HEADER_BYTES + 2 * i, (short) t);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bb.array());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
