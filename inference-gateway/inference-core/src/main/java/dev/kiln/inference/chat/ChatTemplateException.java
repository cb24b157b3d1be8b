package dev.kiln.inference.chat;

/**
 * A chat template failed to render: its syntax, a {@code raise_exception} call of the template
 * (for example "Conversation roles must alternate"), or an expression the engine cannot evaluate.
 * The message is the engine's; the request is what the template refused, so it is a bad request.
 */
public class ChatTemplateException extends IllegalArgumentException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
