package dev.kiln.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Held-out tokens, kept in memory and in a file of the run (little-endian int32), because the
 * shards they came from are behind the consumer's position after a resume. Its length is part of
 * the source position: a resume truncates the file to what the checkpoint knew, so a shard read
 * again after a crash is not counted twice.
 */
final class ValidationSet {

    private final Path file;
    private final int capacity;
    private int[] tokens = new int[0];
    private int size;

    ValidationSet(Path file, int capacity, long resumeSize) {
        this.file = file;
        this.capacity = capacity;
        try {
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                int stored = (int) Math.min(resumeSize, bytes.length / 4);
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                tokens = new int[stored];
                for (int i = 0; i < stored; i++) {
                    tokens[i] = buffer.getInt();
                }
                size = stored;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(4L * stored);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the validation tokens in " + file, e);
        }
    }

    boolean isFull() {
        return size >= capacity;
    }

    void add(int[] shardTokens) {
        int n = Math.min(shardTokens.length, capacity - size);
        if (n <= 0) {
            return;
        }
        if (size + n > tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(size + n, tokens.length * 2));
        }
        System.arraycopy(shardTokens, 0, tokens, size, n);
        ByteBuffer buffer = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buffer.putInt(shardTokens[i]);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, buffer.array(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the validation tokens to " + file, e);
        }
        size += n;
    }

    int size() {
        return size;
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }
}
