package dev.kiln.corpus.pipeline.filters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Loads the Université Toulouse 1 Capitole block lists (UT1, the lists FineWeb filtered with) in their
 * directory format: a root holding one folder per category ({@code adult/}, {@code gambling/}, …), each
 * with a {@code domains} and a {@code urls} file (one entry a line; either file may be gzipped as
 * {@code domains.gz} / {@code urls.gz}, as some mirrors ship them). Only the configured categories are
 * applied; a configured category that is not in the directory is an error naming what is there.
 */
final class Ut1Lists {
    private Ut1Lists() {}

    static void load(Path root, List<String> categories, BlockList domains, BlockList urls) {
        if (!Files.isDirectory(root))
            throw new IllegalArgumentException("UT1 block list directory " + root
                    + " does not exist (kiln.corpus.pipeline.ut1-directory); see the corpus-service README");
        if (categories == null || categories.isEmpty())
            throw new IllegalArgumentException(
                    "no UT1 categories configured (kiln.corpus.pipeline.ut1-categories), e.g. adult");
        for (String category : categories) {
            Path dir = root.resolve(category);
            Path domainFile = existing(dir, "domains");
            Path urlFile = existing(dir, "urls");
            if (!Files.isDirectory(dir) || (domainFile == null && urlFile == null))
                throw new IllegalArgumentException("UT1 category '" + category + "' has no domains or urls file in "
                        + root + " (kiln.corpus.pipeline.ut1-categories); categories there: " + available(root));
            if (domainFile != null) {
                int tag = domains.category(category);
                read(domainFile, line -> {
                    String h = UrlHosts.normalise(line);
                    if (h != null) domains.add(h, tag);
                });
            }
            if (urlFile != null) {
                int tag = urls.category(category);
                read(urlFile, line -> {
                    String u = BlockedUrls.normalise(line);
                    if (u != null) urls.add(u, tag);
                });
            }
        }
    }

    private static Path existing(Path dir, String name) {
        if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        if (Files.isRegularFile(dir.resolve(name + ".gz"))) return dir.resolve(name + ".gz");
        return null;
    }

    private static void read(Path file, java.util.function.Consumer<String> entry) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in =
                        file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (!t.isEmpty() && t.charAt(0) != '#') entry.accept(t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read UT1 list " + file, e);
        }
    }

    private static String available(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            TreeSet<String> names = new TreeSet<>();
            s.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }
}
