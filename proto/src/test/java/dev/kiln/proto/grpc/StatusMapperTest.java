package dev.kiln.proto.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class StatusMapperTest {

    private final StatusMapper notFoundForMissing = failure ->
            failure instanceof NoSuchElementException ? Status.NOT_FOUND.withDescription(failure.getMessage()) : null;

    @Test
    void specificMappingWinsAndTheRestFollowsTheCommonRule() {
        assertThat(notFoundForMissing
                        .toStatus(new NoSuchElementException("no run 'x'"))
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        Status invalid = notFoundForMissing.toStatus(new IllegalArgumentException("name is required"));
        assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getDescription()).isEqualTo("name is required");
        Status chosen = notFoundForMissing.toStatus(
                Status.PERMISSION_DENIED.withDescription("outside roots").asRuntimeException());
        assertThat(chosen.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        Status internal = notFoundForMissing.toStatus(new IllegalStateException("broken"));
        assertThat(internal.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(internal.getDescription()).contains("IllegalStateException").contains("broken");
    }

    @Test
    void descriptionsQuotingHugeInputAreCutSoTheTrailerFits() {
        String name = "x".repeat(100_000);
        Status status = notFoundForMissing.toStatus(new NoSuchElementException("no encoding '" + name + "'"));
        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription())
                .startsWith("no encoding 'xxx")
                .endsWith("… (cut)")
                .hasSize(StatusMapper.MAX_DESCRIPTION + "… (cut)".length());
        assertThat(notFoundForMissing
                        .toStatus(new IllegalArgumentException("short"))
                        .getDescription())
                .isEqualTo("short");
    }

    @Test
    void aTypedMapperAnswersTheFirstTypeAFailureIsAndKeepsItsMessage() {
        StatusMapper typed = new TypedStatusMapper() {
            {
                map(java.io.FileNotFoundException.class, Status.Code.NOT_FOUND);
                map(java.io.IOException.class, Status.Code.UNAVAILABLE);
            }
        };
        Status missing = typed.toStatus(new java.io.FileNotFoundException("no bundle at /m"));
        assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(missing.getDescription()).isEqualTo("no bundle at /m");
        assertThat(typed.toStatus(new java.io.EOFException("cut")).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(typed.toStatus(new IllegalArgumentException("bad")).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void unaryRepliesOnceOrFailsWithTheMappedStatus() {
        Recorder<String> ok = new Recorder<>();
        GrpcReplies.unary(ok, notFoundForMissing, () -> "done");
        assertThat(ok.values).containsExactly("done");
        assertThat(ok.completed).isTrue();

        Recorder<String> failed = new Recorder<>();
        GrpcReplies.unary(failed, notFoundForMissing, () -> {
            throw new NoSuchElementException("no model 'm'");
        });
        assertThat(failed.values).isEmpty();
        assertThat(failed.completed).isFalse();
        assertThat(Status.fromThrowable(failed.error).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static final class Recorder<T> implements StreamObserver<T> {
        final List<T> values = new ArrayList<>();
        boolean completed;
        Throwable error;

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
