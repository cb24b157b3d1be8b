package dev.kiln.inference.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;

/**
 * Where one OpenAI request is answered: its Vert.x response and the event loop that owns it.
 * Writes may be asked for from any thread (the model's scheduler thread calls the writers);
 * they run in order on the request's event loop, and are dropped once the client has gone.
 */
final class HttpReply {
    private final HttpServerResponse response;
    private final Context context;
    private final ObjectMapper json;

    private HttpReply(HttpServerResponse response, Context context, ObjectMapper json) {
        this.response = response;
        this.context = context;
        this.json = json;
    }

    static HttpReply of(RoutingContext rc, ObjectMapper json) {
        Context current = Vertx.currentContext();
        return new HttpReply(
                rc.response(), current != null ? current : rc.vertx().getOrCreateContext(), json);
    }

    /** Runs {@code action} when the client hangs up (or the connection fails) before the answer is complete. */
    void onClientGone(Runnable action) {
        response.closeHandler(v -> action.run());
        response.exceptionHandler(e -> action.run());
    }

    boolean clientGone() {
        return response.closed();
    }

    /** Runs {@code write} on the request's event loop, unless the response is already closed or ended. */
    void write(java.util.function.Consumer<HttpServerResponse> write) {
        context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                write.accept(response);
            }
        });
    }

    /** Answers with one JSON body. */
    void json(int status, Object body) {
        String text = toJson(body);
        write(r -> r.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(text));
    }

    void error(OpenAiErrors.HttpError error) {
        String text = toJson(error.body());
        write(r -> {
            error.headers().forEach(r::putHeader);
            r.setStatusCode(error.status())
                    .putHeader("Content-Type", "application/json")
                    .end(text);
        });
    }

    String toJson(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
