package dev.kiln.corpus.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The directories that file ingests may read ({@code kiln.corpus.input-roots}): a client names a path
 * on the server, and only paths under these roots are read.
 */
public final class InputRoots {

    private final List<String> configured;
    private final List<Path> roots;

    public InputRoots(List<String> configured) {
        this.configured = List.copyOf(configured);
        this.roots = this.configured.stream()
                .map(root -> Path.of(root).toAbsolutePath().normalize())
                .toList();
    }

    /**
     * The absolute, normalized path of {@code path}, which must lie under a root and exist.
     *
     * @throws InputOutsideRootsException when it lies under no root
     * @throws InputNotFoundException when nothing is there
     */
    public Path resolve(String path) {
        Path file = Path.of(path).toAbsolutePath().normalize();
        if (roots.stream().noneMatch(file::startsWith)) {
            throw new InputOutsideRootsException(
                    file + " lies outside the input roots " + configured + " (kiln.corpus.input-roots)");
        }
        if (!Files.exists(file)) {
            throw new InputNotFoundException(file + " does not exist on the corpus server");
        }
        return file;
    }
}
