package dev.kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Command arguments that name text: words joined by spaces, or "-" for standard input. */
final class Inputs {

    private Inputs() {}

    static String text(List<String> words, InputStream stdin) {
        if (words.size() == 1 && words.get(0).equals("-")) {
            try {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read standard input", e);
            }
        }
        return String.join(" ", words);
    }

    /** A local file the user named; a missing one is a usage error (exit 2), not a server error. */
    static Path existingFile(CommandSpec spec, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "no such file: " + file);
        }
        return file;
    }
}
