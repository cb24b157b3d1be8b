package dev.kiln.trainer.data;

import dev.kiln.trainer.LlmcShardReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Training tokens from a directory of llm.c token shards ({@code *.bin}, magic 20240520), so corpora
 * made by other tools train here too. As in llm.c, files whose name contains {@code val} are the
 * validation split; the others are read in name order, epoch after epoch.
 */
public final class LlmcDirectorySource implements TokenStream {

    private final List<Path> trainFiles = new ArrayList<>();
    private final int[] validation;
    private int fileIndex;
    private int[] current;
    private int pos;
    private long epoch;

    public LlmcDirectorySource(Path directory, Map<String, Long> resumeFrom) {
        List<Path> validationFiles = new ArrayList<>();
        for (Path file : shardFiles(directory)) {
            (isValidation(file) ? validationFiles : trainFiles).add(file);
        }
        if (trainFiles.isEmpty()) {
            throw new DataUnavailableException(noTrainingShards(directory));
        }
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (Path file : validationFiles) {
            int[] tokens = readShard(file);
            parts.add(tokens);
            total += tokens.length;
        }
        validation = new int[total];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, validation, at, part.length);
            at += part.length;
        }
        fileIndex = resumeFrom.getOrDefault("llmc.file", 0L).intValue();
        epoch = resumeFrom.getOrDefault("llmc.epoch", 0L);
        current = readShard(trainFiles.get(fileIndex));
        pos = resumeFrom.getOrDefault("llmc.pos", 0L).intValue();
    }

    /**
     * The tokens one pass over the directory's training shards holds, from the shard headers.
     *
     * @throws DataUnavailableException when the directory is missing or holds no training shard
     */
    public static long trainingTokens(Path directory) {
        long total = 0;
        for (Path file : shardFiles(directory)) {
            if (!isValidation(file)) {
                try {
                    total += LlmcShardReader.tokenCount(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read llm.c shard " + file + ": " + e.getMessage(), e);
                }
            }
        }
        if (total == 0) {
            throw new DataUnavailableException(noTrainingShards(directory));
        }
        return total;
    }

    private static List<Path> shardFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new DataUnavailableException("Shard directory " + directory + " does not exist");
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".bin"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
    }

    private static boolean isValidation(Path file) {
        return file.getFileName().toString().contains("val");
    }

    private static String noTrainingShards(Path directory) {
        return "No llm.c training shards (*.bin without 'val' in the name) in " + directory;
    }

    private static int[] readShard(Path file) {
        try {
            return LlmcShardReader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read llm.c shard " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void read(int[] dst, int off, int n) {
        while (n > 0) {
            if (pos == current.length) {
                fileIndex++;
                if (fileIndex == trainFiles.size()) {
                    fileIndex = 0;
                    epoch++;
                }
                current = readShard(trainFiles.get(fileIndex));
                pos = 0;
                continue;
            }
            int take = Math.min(n, current.length - pos);
            System.arraycopy(current, pos, dst, off, take);
            pos += take;
            off += take;
            n -= take;
        }
    }

    @Override
    public Map<String, Long> position() {
        Map<String, Long> position = new HashMap<>();
        position.put("llmc.file", (long) fileIndex);
        position.put("llmc.pos", (long) pos);
        position.put("llmc.epoch", epoch);
        return position;
    }

    @Override
    public int[] validationTokens() {
        return validation.clone();
    }

    @Override
    public void close() {}
}
