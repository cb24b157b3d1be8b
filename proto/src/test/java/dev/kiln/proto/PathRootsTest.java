package dev.kiln.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths checked against real directories and symbolic links in a temporary directory. */
class PathRootsTest {

    private static final String KEY = "kiln.test.roots";

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private PathRoots roots;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(temp.resolve("root")).toRealPath();
        outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(Files.createDirectories(root.resolve("data")).resolve("a.jsonl"), "{}");
        roots = new PathRoots(KEY, List.of(root.toString()));
    }

    @Test
    void aFileInsideTheRootResolvesToItsRealPath() {
        assertThat(roots.resolve("path", root.resolve("data/a.jsonl").toString()))
                .isEqualTo(root.resolve("data/a.jsonl"));
        assertThat(roots.resolve("path", root.resolve("data/./../data/a.jsonl").toString()))
                .isEqualTo(root.resolve("data/a.jsonl"));
        assertThat(roots.resolve("path", root.toString())).isEqualTo(root);
    }

    @Test
    void relativePathsResolveAgainstTheFirstRoot() {
        assertThat(roots.resolve("path", "data/a.jsonl")).isEqualTo(root.resolve("data/a.jsonl"));
        assertThat(roots.resolve("path", "new/out")).isEqualTo(root.resolve("new/out"));
    }

    @Test
    void dotDotOutOfTheRootIsRefusedNamingFieldPathAndKey() {
        assertThatThrownBy(() -> roots.resolve("output_dir", root + "/../outside/secret.txt"))
                .isInstanceOf(PathOutsideRootsException.class)
                .hasMessage("output_dir " + root + "/../outside/secret.txt resolves to " + outside.resolve("secret.txt")
                        + ", which lies outside the allowed roots [" + root + "] (" + KEY + ")");
        assertThatThrownBy(() -> roots.resolve("path", "../outside")).isInstanceOf(PathOutsideRootsException.class);
        assertThatThrownBy(() -> roots.resolve("path", "/etc/passwd"))
                .isInstanceOf(PathOutsideRootsException.class)
                .hasMessageContaining("/etc/passwd");
        // A sibling whose name starts with the root's is not under it.
        assertThatThrownBy(() -> roots.resolve("path", root + "-evil/x")).isInstanceOf(PathOutsideRootsException.class);
    }

    @Test
    void aSymbolicLinkInsideTheRootThatPointsOutIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("escape"), outside);
        assertThatThrownBy(
                        () -> roots.resolve("path", link.resolve("secret.txt").toString()))
                .isInstanceOf(PathOutsideRootsException.class)
                .hasMessageContaining("resolves to " + outside.resolve("secret.txt"));
        assertThatThrownBy(() -> roots.resolve("path", "escape")).isInstanceOf(PathOutsideRootsException.class);
    }

    @Test
    void aSymbolicLinkInsideThatPointsInsideIsFollowed() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("current"), root.resolve("data"));
        assertThat(roots.resolve("path", link.resolve("a.jsonl").toString())).isEqualTo(root.resolve("data/a.jsonl"));
    }

    @Test
    void aPathThatDoesNotExistYetIsCheckedThroughItsNearestExistingAncestor() throws IOException {
        Files.createSymbolicLink(root.resolve("link-to-outside"), outside);
        assertThatThrownBy(() -> roots.resolve(
                        "output_dir", root.resolve("link-to-outside/new/bundle").toString()))
                .isInstanceOf(PathOutsideRootsException.class)
                .hasMessageContaining("resolves to " + outside.resolve("new/bundle"));
        assertThat(roots.resolve("output_dir", root.resolve("models/new/bundle").toString()))
                .isEqualTo(root.resolve("models/new/bundle"));
        assertThatThrownBy(() -> roots.resolve(
                        "output_dir", root.resolve("new/../../outside/x").toString()))
                .isInstanceOf(PathOutsideRootsException.class);
    }

    @Test
    void aDanglingLinkCountsAsWhereItPoints() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-yet"));
        assertThatThrownBy(() ->
                        roots.resolve("output_dir", root.resolve("dangling").toString()))
                .isInstanceOf(PathOutsideRootsException.class)
                .hasMessageContaining("resolves to " + outside.resolve("not-yet"));
        Files.createSymbolicLink(root.resolve("dangling-inside"), root.resolve("later"));
        assertThat(roots.resolve("output_dir", root.resolve("dangling-inside/x").toString()))
                .isEqualTo(root.resolve("later/x"));
    }

    @Test
    void aRootThatIsItselfALinkCountsAsTheDirectoryItPointsTo() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("root-link"), root);
        PathRoots viaLink = new PathRoots(KEY, List.of(linkedRoot.toString()));
        assertThat(viaLink.resolve("path", linkedRoot.resolve("data/a.jsonl").toString()))
                .isEqualTo(root.resolve("data/a.jsonl"));
        assertThat(viaLink.resolve("path", root.resolve("data/a.jsonl").toString()))
                .isEqualTo(root.resolve("data/a.jsonl"));
        assertThatThrownBy(() ->
                        viaLink.resolve("path", outside.resolve("secret.txt").toString()))
                .isInstanceOf(PathOutsideRootsException.class);
    }

    @Test
    void anyOfSeveralRootsWillDo() {
        PathRoots two = new PathRoots(KEY, List.of(root.toString(), outside.toString()));
        assertThat(two.resolve("path", outside.resolve("secret.txt").toString()))
                .isEqualTo(outside.resolve("secret.txt"));
        assertThatThrownBy(() -> two.resolve("path", temp.toString())).isInstanceOf(PathOutsideRootsException.class);
    }

    @Test
    void emptyMalformedAndLoopingPathsAreBadArguments() throws IOException {
        assertThatThrownBy(() -> roots.resolve("path", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path is required");
        assertThatThrownBy(() -> roots.resolve("path", "a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid path");
        Files.createSymbolicLink(root.resolve("loop-a"), root.resolve("loop-b"));
        Files.createSymbolicLink(root.resolve("loop-b"), root.resolve("loop-a"));
        assertThatThrownBy(() -> roots.resolve("path", "loop-a/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(PathOutsideRootsException.class)
                .hasMessageContaining("cannot be resolved");
    }

    @Test
    void noRootsIsAConfigurationError() {
        assertThatThrownBy(() -> new PathRoots(KEY, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KEY);
    }
}
