package dev.kiln.proto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The one rule for paths that clients name on a server (IngestWarc's input, ExportModel's output
 * directory, LoadModel's bundle, a ModelPublished event's bundle): the path, with every symbolic
 * link followed, must lie under one of the configured root directories.
 *
 * <p>A relative path is resolved against the first root, never against the server's working
 * directory, so the same request means the same file wherever the server was started. A path that
 * does not exist yet (an export's output directory) is checked through the real path of its nearest
 * existing ancestor, so {@code root/link-to-etc/new} is caught before anything is created there.
 * The roots themselves are resolved on every call: a root may be created after the server starts,
 * and a root that is itself a symbolic link counts as the directory it points to.
 */
public final class PathRoots {

    /** Links followed through dangling symbolic links at most, as the kernel's ELOOP limit. */
    private static final int MAX_LINK_HOPS = 40;

    private final String configKey;
    private final List<Path> roots;

    /**
     * @param configKey the configuration key that names the roots, quoted in every refusal so an
     *     operator knows what to change
     * @param roots the root directories; at least one
     */
    public PathRoots(String configKey, List<String> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no roots configured (" + configKey + ")");
        }
        this.configKey = configKey;
        this.roots = roots.stream()
                .map(root -> Path.of(root).toAbsolutePath().normalize())
                .toList();
    }

    /** The roots as configured, made absolute; the first one anchors relative paths. */
    public List<Path> roots() {
        return roots;
    }

    /**
     * The real path of {@code requested}: symbolic links followed, no {@code .} or {@code ..} left.
     * Use this path, not the requested string, for the work, so what was checked is what is used.
     *
     * @param field the request field (or event field) that named the path, for the messages
     * @throws IllegalArgumentException when the path is empty, malformed or cannot be resolved
     * @throws PathOutsideRootsException when it lies under none of the roots
     */
    public Path resolve(String field, String requested) {
        if (requested == null || requested.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        Path path;
        try {
            path = roots.get(0).resolve(requested);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(field + " is not a valid path: " + e.getMessage(), e);
        }
        Path real = realPath(field, path);
        for (Path root : roots) {
            if (real.startsWith(realPath(configKey, root))) {
                return real;
            }
        }
        throw new PathOutsideRootsException(field + " " + requested + " resolves to " + real
                + ", which lies outside the allowed roots " + roots + " (" + configKey + ")");
    }

    /** {@code path} with every link followed; the part that does not exist yet is appended as named. */
    private static Path realPath(String field, Path path) {
        Path current = path.toAbsolutePath();
        for (int hops = 0; hops <= MAX_LINK_HOPS; hops++) {
            Deque<Path> missing = new ArrayDeque<>();
            Path existing = current;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                missing.push(existing.getFileName());
                existing = existing.getParent();
            }
            if (existing == null) {
                throw new IllegalArgumentException(field + " " + path + " cannot be resolved: no part of it exists");
            }
            try {
                Path real = existing.toRealPath();
                for (Path name : missing) {
                    real = real.resolve(name);
                }
                return real.normalize();
            } catch (NoSuchFileException e) {
                // Only the last existing entry can be a dangling link (everything above it resolved):
                // follow it by hand, since what it points to may be created later, through the link.
                try {
                    Path target = existing.getParent().resolve(Files.readSymbolicLink(existing));
                    for (Path name : missing) {
                        target = target.resolve(name);
                    }
                    current = target;
                } catch (IOException | UnsupportedOperationException notALink) {
                    throw unresolvable(field, path, e);
                }
            } catch (IOException e) {
                throw unresolvable(field, path, e);
            }
        }
        throw new IllegalArgumentException(field + " " + path + " cannot be resolved: too many symbolic links");
    }

    private static IllegalArgumentException unresolvable(String field, Path path, IOException e) {
        return new IllegalArgumentException(field + " " + path + " cannot be resolved: " + e, e);
    }
}
