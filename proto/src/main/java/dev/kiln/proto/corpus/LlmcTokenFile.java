package dev.kiln.proto.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The header of an llm.c token file, the one definition shared by the corpus service (which can
 * write its shards in this format) and the trainer (which reads it): 256 little-endian int32
 * (magic 20240520, version 1, token count, zeros), then the tokens as little-endian uint16. The
 * format has no wider tokens, so vocabularies above 65,536 ids cannot be written this way.
 */
public final class LlmcTokenFile {

    public static final int MAGIC = 20240520;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 1024;
    /** The largest token id the format can hold. */
    public static final int MAX_TOKEN = 0xFFFF;

    private LlmcTokenFile() {}

    /** A header for a file of {@code tokenCount} tokens, positioned at 0, little-endian. */
    public static ByteBuffer header(int tokenCount) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, tokenCount);
        return header;
    }

    /**
     * The token count of {@code file} from its first 12 header bytes in {@code head}, checked
     * against the magic, the version and the file's size.
     */
    public static int tokenCount(Path file, ByteBuffer head, long fileSize) throws IOException {
        if (fileSize < HEADER_BYTES) {
            throw new IOException(file + ": shorter than the " + HEADER_BYTES + "-byte llm.c header");
        }
        ByteBuffer le = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int magic = le.getInt(0), version = le.getInt(4), count = le.getInt(8);
        if (magic != MAGIC) {
            throw new IOException(file + ": magic " + magic + ", expected " + MAGIC + " (not an llm.c token file)");
        }
        if (version != VERSION) {
            throw new IOException(
                    file + ": llm.c token file version " + version + " is not supported (expected " + VERSION + ")");
        }
        long expected = HEADER_BYTES + 2L * count;
        if (count < 0 || fileSize != expected) {
            throw new IOException(
                    file + ": header says " + count + " tokens (" + expected + " bytes) but the file has " + fileSize);
        }
        return count;
    }
}
