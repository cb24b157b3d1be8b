package dev.kiln.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * A client-streaming call driven from a plain loop. {@link #send} waits while the transport is
 * not ready, so uploading a large corpus uses gRPC flow control instead of buffering every
 * message in memory.
 */
final class Upload<Q, R> implements ClientResponseObserver<Q, R> {

    private final CompletableFuture<R> response = new CompletableFuture<>();
    private final Object readiness = new Object();
    private ClientCallStreamObserver<Q> requests;

    /** Starts the call; {@code start} is the async stub method, e.g. {@code stub::ingestDocuments}. */
    static <Q, R> Upload<Q, R> start(Function<StreamObserver<R>, StreamObserver<Q>> start) {
        Upload<Q, R> upload = new Upload<>();
        start.apply(upload);
        return upload;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(() -> {
            synchronized (readiness) {
                readiness.notifyAll();
            }
        });
    }

    void send(Q message) {
        synchronized (readiness) {
            // Stop waiting when the server already answered (an error ends the call early).
            while (!requests.isReady() && !response.isDone()) {
                try {
                    readiness.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    requests.cancel("interrupted", e);
                    throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
                }
            }
        }
        if (response.isDone()) {
            finish();
            return;
        }
        requests.onNext(message);
    }

    /** Ends the stream and waits for the server's answer; a failed call throws its status. */
    R finish() {
        if (!response.isDone()) {
            requests.onCompleted();
        }
        try {
            return response.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.cancel("interrupted", e);
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StatusRuntimeException sre
                    ? sre
                    : Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }

    @Override
    public void onNext(R value) {
        response.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        response.completeExceptionally(t);
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    @Override
    public void onCompleted() {
        // The unary response arrived in onNext.
    }
}
