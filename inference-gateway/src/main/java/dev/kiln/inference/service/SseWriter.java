package dev.kiln.inference.service;

import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.service.OpenAiResponses.ChunkChoice;
import dev.kiln.inference.service.OpenAiResponses.Delta;
import dev.kiln.inference.service.OpenAiResponses.Envelope;
import dev.kiln.inference.service.OpenAiResponses.TextChoice;
import dev.kiln.inference.service.OpenAiResponses.Usage;
import io.vertx.core.http.HttpServerResponse;

/**
 * Streams one completion as server-sent events while the model produces it: a
 * {@code data: {json}\n\n} chunk per piece of text, the last one with the finish reason and
 * usage, then {@code data: [DONE]}. A failure ends the stream with an error chunk. Called from
 * the model's scheduler thread; the bytes are written on the request's event loop, so no thread
 * waits for the model.
 */
final class SseWriter implements GenerationListener {
    private final HttpReply reply;
    private final Envelope envelope;
    private final boolean chat;
    private final OpenAiErrors errors;
    private boolean started; // event loop only
    private boolean leading; // scheduler thread only: chat strips the space the model puts after "Assistant:"

    SseWriter(HttpReply reply, Envelope envelope, boolean chat, OpenAiErrors errors) {
        this.reply = reply;
        this.envelope = envelope;
        this.chat = chat;
        this.errors = errors;
        this.leading = chat;
    }

    /** Sends the headers (and for chat the chunk naming the role) without waiting for a token. */
    void open() {
        reply.write(this::start);
    }

    private void start(HttpServerResponse r) {
        if (started) {
            return;
        }
        started = true;
        r.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        if (chat) {
            r.write(event(reply.toJson(chunk(new Delta("assistant", null), null, null, null))));
        } else {
            r.writeHead();
        }
    }

    @Override
    public void onTokens(String text, int[] tokens) {
        text = strip(text);
        if (!text.isEmpty()) {
            send(reply.toJson(chunk(null, text, null, null)), false);
        }
    }

    @Override
    public void onFinish(String text, int[] tokens, FinishReason reason, int promptTokens, int completionTokens) {
        String last = reply.toJson(chunk(
                null, strip(text), OpenAiResponses.finishReason(reason), Usage.of(promptTokens, completionTokens)));
        reply.write(r -> {
            start(r);
            r.write(event(last));
            r.end(event("[DONE]"));
        });
    }

    @Override
    public void onError(GenerationFailedException error) {
        send(reply.toJson(errors.of(error).body()), true);
    }

    private void send(String data, boolean last) {
        reply.write(r -> {
            start(r);
            if (last) {
                r.end(event(data));
            } else {
                r.write(event(data));
            }
        });
    }

    private String strip(String text) {
        if (leading && !text.isEmpty()) {
            text = text.stripLeading();
            leading = text.isEmpty();
        }
        return text;
    }

    private OpenAiResponses.Completion chunk(Delta role, String text, String finish, Usage usage) {
        if (!chat) {
            return envelope.with(new TextChoice(0, text == null ? "" : text, null, finish), usage);
        }
        Delta delta = role != null ? role : new Delta(null, text == null || text.isEmpty() ? null : text);
        return envelope.with(new ChunkChoice(0, delta, finish), usage);
    }

    private static String event(String data) {
        return "data: " + data + "\n\n";
    }
}
