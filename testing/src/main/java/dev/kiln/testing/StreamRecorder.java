package dev.kiln.testing;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects what a server streams back on an async gRPC call, so a test can send its requests
 * and then wait for the whole answer (or the error it ended with).
 */
public final class StreamRecorder<T> implements StreamObserver<T> {

    private final List<T> values = new CopyOnWriteArrayList<>();
    private final CompletableFuture<List<T>> done = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        done.complete(values);
    }

    /**
     * Every message, once the server completed the call.
     *
     * @throws StatusRuntimeException the status the server ended the call with
     */
    public List<T> await(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        try {
            return done.get(timeout, unit);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw new IllegalStateException("the call failed", e.getCause());
        }
    }

    /** The single message of a unary or client-streaming call. */
    public T awaitSingle(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        List<T> all = await(timeout, unit);
        if (all.size() != 1) {
            throw new AssertionError("expected one response, got " + all.size());
        }
        return all.get(0);
    }
}
