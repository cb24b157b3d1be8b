package dev.kiln.inference.service;

import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.service.OpenAiResponses.ChatChoice;
import dev.kiln.inference.service.OpenAiResponses.ChatMessage;
import dev.kiln.inference.service.OpenAiResponses.Envelope;
import dev.kiln.inference.service.OpenAiResponses.TextChoice;
import dev.kiln.inference.service.OpenAiResponses.Usage;

/** Collects one completion ({@code "stream": false}) and answers it as one JSON body when the model is done. */
final class JsonCompletionWriter implements GenerationListener {
    private final HttpReply reply;
    private final Envelope envelope;
    private final boolean chat;
    private final OpenAiErrors errors;
    private final StringBuilder text = new StringBuilder(); // scheduler thread only

    JsonCompletionWriter(HttpReply reply, Envelope envelope, boolean chat, OpenAiErrors errors) {
        this.reply = reply;
        this.envelope = envelope;
        this.chat = chat;
        this.errors = errors;
    }

    @Override
    public void onTokens(String text, int[] tokens) {
        this.text.append(text);
    }

    @Override
    public void onFinish(String rest, int[] tokens, FinishReason reason, int promptTokens, int completionTokens) {
        String all = text.append(rest).toString();
        String finish = OpenAiResponses.finishReason(reason);
        Object choice = chat
                ? new ChatChoice(0, new ChatMessage("assistant", all.strip()), finish)
                : new TextChoice(0, all, null, finish);
        reply.json(200, envelope.with(choice, Usage.of(promptTokens, completionTokens)));
    }

    @Override
    public void onError(GenerationFailedException error) {
        reply.error(errors.of(error));
    }
}
