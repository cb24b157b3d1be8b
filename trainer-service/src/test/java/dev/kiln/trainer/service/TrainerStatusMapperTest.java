package dev.kiln.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.trainer.runs.CapacityExceededException;
import dev.kiln.trainer.runs.InvalidRunConfigException;
import dev.kiln.trainer.runs.RunAlreadyExistsException;
import dev.kiln.trainer.runs.RunNotFoundException;
import dev.kiln.trainer.runs.RunStateException;
import io.grpc.Status;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every failure the trainer's core names, and the common cases, to the status a client sees. */
class TrainerStatusMapperTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new RunNotFoundException("r1"), Status.Code.NOT_FOUND, "no run 'r1'"),
                Arguments.of(
                        new InvalidRunConfigException("model.n_embd 32 is not divisible by model.n_head 3"),
                        Status.Code.INVALID_ARGUMENT,
                        "model.n_embd"),
                Arguments.of(
                        new CapacityExceededException("1 run(s) are training (kiln.trainer.max-active-runs)"),
                        Status.Code.RESOURCE_EXHAUSTED,
                        "kiln.trainer.max-active-runs"),
                Arguments.of(
                        new RunStateException("run 'r1' is already active"),
                        Status.Code.FAILED_PRECONDITION,
                        "already active"),
                Arguments.of(new RunAlreadyExistsException("r1"), Status.Code.ALREADY_EXISTS, "'r1' exists"),
                Arguments.of(
                        new PathOutsideRootsException("output_dir /etc/x resolves to /etc/x, which lies outside the"
                                + " allowed roots [/models] (kiln.trainer.models-roots)"),
                        Status.Code.PERMISSION_DENIED,
                        "kiln.trainer.models-roots"),
                Arguments.of(
                        new IllegalArgumentException("run_id is required"),
                        Status.Code.INVALID_ARGUMENT,
                        "run_id is required"),
                Arguments.of(
                        Status.UNAVAILABLE.withDescription("tokenizer down").asRuntimeException(),
                        Status.Code.UNAVAILABLE,
                        "tokenizer down"),
                Arguments.of(
                        new UncheckedIOException("disk full", new java.io.IOException("disk full")),
                        Status.Code.INTERNAL,
                        "disk full"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void mapsEachFailureToItsStatusKeepingTheMessage(RuntimeException failure, Status.Code code, String message) {
        Status status = TrainerStatusMapper.INSTANCE.toStatus(failure);
        assertThat(status.getCode()).isEqualTo(code);
        assertThat(status.getDescription()).contains(message);
    }
}
