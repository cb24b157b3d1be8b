package dev.kiln.tokenizer.catalog;

import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.HuggingFaceTokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The encodings directory: every {@code <name>.tokenizer.json} in it (Hugging Face format, which
 * holds pattern, merges and special tokens in one file) is served under {@code <name>}; encodings
 * trained here are written there too, with a {@code <name>.trained} note, so they come back after a
 * restart. A file that does not load is logged and skipped; it never stops the service.
 */
public final class EncodingStore {

    private static final Logger LOG = System.getLogger(EncodingStore.class.getName());
    static final String SUFFIX = ".tokenizer.json";
    private static final String TRAINED_SUFFIX = ".trained";

    private final Path directory;

    public EncodingStore(Path directory) {
        this.directory = directory;
    }

    /** Loads every encoding of the directory into the catalog; returns how many loaded. */
    public int loadInto(EncodingCatalog catalog) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int loaded = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the encodings directory " + directory, e);
        }
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - SUFFIX.length());
            if (catalog.sourceOf(name).orElse(null) == EncodingCatalog.Source.BUILTIN) {
                LOG.log(Level.WARNING, () -> file + " would shadow the built-in encoding " + name + "; skipped");
                continue;
            }
            try {
                Encoding encoding = HuggingFaceTokenizerJson.read(file, name);
                boolean trained = Files.exists(directory.resolve(name + TRAINED_SUFFIX));
                catalog.add(encoding, trained ? EncodingCatalog.Source.TRAINED : EncodingCatalog.Source.FILE);
                loaded++;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Skipping encoding file " + file + ": " + e.getMessage(), e);
            }
        }
        return loaded;
    }

    /** Writes a trained encoding atomically, so a crash never leaves a half-written file to load. */
    public void saveTrained(Encoding encoding, String note) {
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve(encoding.name() + SUFFIX);
            Path tmp = directory.resolve(encoding.name() + SUFFIX + ".tmp");
            HuggingFaceTokenizerJson.write(encoding, tmp, HuggingFaceTokenizerJson.MergesFormat.PAIRS);
            Files.writeString(
                    directory.resolve(encoding.name() + TRAINED_SUFFIX),
                    "trained_at=" + Instant.now() + "\n" + note + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save encoding " + encoding.name() + " in " + directory, e);
        }
    }
}
