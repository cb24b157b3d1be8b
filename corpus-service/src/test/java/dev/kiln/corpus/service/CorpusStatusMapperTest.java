package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.corpus.engine.DocumentLimits;
import dev.kiln.corpus.engine.InputNotFoundException;
import dev.kiln.corpus.engine.InputUnreadableException;
import dev.kiln.corpus.engine.UnsupportedInputException;
import dev.kiln.corpus.pipeline.dedup.DedupIndexUnavailableException;
import dev.kiln.proto.PathRoots;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure the corpus core names, and the common cases, to the status a client sees. */
class CorpusStatusMapperTest {

    private final CorpusStatusMapper errors = new CorpusStatusMapper();

    private Status statusOf(Runnable failing) {
        Throwable failure = catchThrowable(failing::run);
        assertThat(failure).as("the call fails").isNotNull();
        return errors.toStatus(failure);
    }

    @Test
    void documentsOverTheLimitOrEmptyAreTheCallersProblem() {
        DocumentLimits limits = new DocumentLimits(100);

        Status empty = statusOf(() -> limits.check("document 2 ('empty')", 0));
        assertThat(empty.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(empty.getDescription()).isEqualTo("document 2 ('empty') has no content");

        Status large = statusOf(() -> limits.check("document 3 ('big')", 101));
        assertThat(large.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(large.getDescription())
                .isEqualTo("document 3 ('big') holds 101 bytes; the limit is 100 (kiln.corpus.max-document-bytes)");
    }

    @Test
    void inputPathsOutsideTheRootsAreDeniedAndMissingOnesNotFound(@TempDir Path temp) throws IOException {
        Path root = Files.createDirectories(temp.resolve("inputs")).toRealPath();
        PathRoots roots = new PathRoots("kiln.corpus.input-roots", List.of(root.toString()));

        Status outside = statusOf(() -> roots.resolve("path", "/etc/passwd"));
        assertThat(outside.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(outside.getDescription())
                .isEqualTo("path /etc/passwd resolves to /etc/passwd, which lies outside the allowed roots [" + root
                        + "] (kiln.corpus.input-roots)");

        Status escaping = statusOf(
                () -> roots.resolve("path", root.resolve("../elsewhere.warc").toString()));
        assertThat(escaping.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        Path link = Files.createSymbolicLink(root.resolve("link"), Files.createDirectories(temp.resolve("elsewhere")));
        Status throughALink =
                statusOf(() -> roots.resolve("path", link.resolve("a.warc").toString()));
        assertThat(throughALink.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(throughALink.getDescription())
                .contains(
                        temp.resolve("elsewhere").toRealPath().resolve("a.warc").toString());

        Status missing = errors.toStatus(
                new InputNotFoundException(root.resolve("missing.warc") + " does not exist on the corpus server"));
        assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(missing.getDescription())
                .isEqualTo(root.resolve("missing.warc") + " does not exist on the corpus server");
    }

    @Test
    void inputsOfTheWrongKindOrUnreadableFailAPrecondition() {
        Status unsupported =
                errors.toStatus(new UnsupportedInputException("/data/notes.txt is not a .warc or .warc.gz file"));
        assertThat(unsupported.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(unsupported.getDescription()).isEqualTo("/data/notes.txt is not a .warc or .warc.gz file");

        Status unreadable = errors.toStatus(new InputUnreadableException(
                "cannot read WARC input /data/a.warc: Permission denied", new IOException("Permission denied")));
        assertThat(unreadable.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(unreadable.getDescription()).isEqualTo("cannot read WARC input /data/a.warc: Permission denied");
    }

    @Test
    void aDedupIndexThatDoesNotAnswerIsUnavailable() {
        Status status = errors.toStatus(new DedupIndexUnavailableException("no dedup verdict within 120000 ms", null));
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("no dedup verdict");
    }

    @Test
    void aTokenizerServiceThatIsDownIsUnavailable() {
        Status status = errors.toStatus(new TokenizerUnavailableException(
                "the tokenizer service is needed to tokenize shards and cannot be asked about encoding r50k_base: "
                        + "Status{code=UNAVAILABLE}",
                Status.UNAVAILABLE.asRuntimeException()));
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("tokenizer service", "r50k_base");
    }

    @Test
    void everythingElseFollowsTheCommonRule() {
        Status adapterChose = errors.toStatus(
                Status.DEADLINE_EXCEEDED.withDescription("too slow").asRuntimeException());
        assertThat(adapterChose.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(adapterChose.getDescription()).isEqualTo("too slow");

        Status badArgument = errors.toStatus(new IllegalArgumentException("path is required"));
        assertThat(badArgument.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badArgument.getDescription()).isEqualTo("path is required");

        Status ours = errors.toStatus(new IllegalStateException("Token id 70000 is outside the vocabulary of 50257"));
        assertThat(ours.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(ours.getDescription()).contains("IllegalStateException", "70000");
    }
}
