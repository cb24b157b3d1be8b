package dev.kiln.proto.grpc;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** The one way every Kiln service answers a call: the result, or the failure through its {@link StatusMapper}. */
public final class GrpcReplies {

    private GrpcReplies() {}

    /** Runs {@code work} and sends its result as the single reply, or the mapped status. */
    public static <T> void unary(StreamObserver<T> response, StatusMapper errors, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            fail(response, errors, e);
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** Ends the call with the status {@code errors} gives {@code failure}. */
    public static void fail(StreamObserver<?> response, StatusMapper errors, Throwable failure) {
        response.onError(errors.toStatus(failure).asRuntimeException(errors.trailers(failure)));
    }
}
