package dev.kiln.console;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.function.Consumer;

/**
 * Server-streaming RPCs as server-sent events: one {@code message} event per gRPC message, and
 * an {@code error} event carrying a {@link ConsoleError} when the call fails (before or after its
 * first message), so the page always has something to show. When the page goes away, the gRPC
 * call is cancelled: a closed tab does not keep a WatchRun or a Generate running.
 */
final class EventStreams {

    private EventStreams() {}

    /** Starts the call with the observer it is given, and streams its responses. */
    static <Q, R> Multi<R> grpc(Consumer<ClientResponseObserver<Q, R>> call) {
        return Multi.createFrom()
                .emitter(emitter -> call.accept(new ClientResponseObserver<Q, R>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<Q> requests) {
                        emitter.onTermination(() -> requests.cancel("the page closed the stream", null));
                    }

                    @Override
                    public void onNext(R value) {
                        emitter.emit(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        emitter.fail(t);
                    }

                    @Override
                    public void onCompleted() {
                        emitter.complete();
                    }
                }));
    }

    /** The items as {@code message} events, and a failure as a last {@code error} event. */
    static Multi<OutboundSseEvent> sse(Sse sse, Multi<?> items) {
        return items.map(item -> sse.newEventBuilder()
                        .name("message")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(item)
                        .build())
                .onFailure()
                .recoverWithItem(e -> sse.newEventBuilder()
                        .name("error")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(ConsoleError.of(e))
                        .build());
    }
}
