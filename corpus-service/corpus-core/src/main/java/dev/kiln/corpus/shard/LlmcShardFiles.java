package dev.kiln.corpus.shard;

import dev.kiln.proto.corpus.LlmcTokenFile;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes shards as llm.c token files ({@link LlmcTokenFile}) as well, so other trainers can read
 * Kiln's corpus; shards of a vocabulary above 65,536 ids cannot be written this way.
 */
public final class LlmcShardFiles {

    private final Path directory;

    public LlmcShardFiles(Path directory) {
        this.directory = directory;
    }

    /** Writes {@code <shard id>.bin} atomically; a reader never sees half a file. */
    public Path write(TokenShard shard) {
        if (shard.getTokenWidth() != TokenWidth.TOKEN_WIDTH_UINT16) {
            // A configuration that cannot work (a wide encoding with llm.c files), not a caller's bad document.
            throw new IllegalStateException("llm.c shards hold uint16 tokens; shard " + shard.getShardId() + " of "
                    + shard.getEncoding() + " (" + shard.getVocabSize()
                    + " ids) does not fit; kiln.corpus.llmc-shard-dir needs an"
                    + " encoding of at most 65,536 ids");
        }
        ByteBuffer header = LlmcTokenFile.header(shard.getTokenCount());
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve(shard.getShardId() + ".bin");
            Path tmp = directory.resolve(shard.getShardId() + ".bin.tmp");
            byte[] file = new byte[header.capacity() + shard.getTokens().size()];
            System.arraycopy(header.array(), 0, file, 0, header.capacity());
            shard.getTokens().copyTo(file, header.capacity());
            Files.write(tmp, file);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write llm.c shard " + shard.getShardId() + " to " + directory, e);
        }
    }
}
