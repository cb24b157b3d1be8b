package dev.kiln.trainer;

import dev.kiln.proto.corpus.LlmcTokenFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes llm.c token shards ({@link LlmcTokenFile}); tokens must fit in uint16. */
public final class LlmcShardWriter {
    private LlmcShardWriter() {}

    public static void write(Path file, int[] tokens) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(LlmcTokenFile.HEADER_BYTES + 2 * tokens.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(LlmcTokenFile.header(tokens.length));
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            if (t < 0 || t > LlmcTokenFile.MAX_TOKEN) {
                throw new IllegalArgumentException("token " + t + " at " + i + " does not fit in uint16");
            }
            bb.putShort(LlmcTokenFile.HEADER_BYTES + 2 * i, (short) t);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bb.array());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
