package dev.kiln.inference.chat;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a chat as a plain-text few-shot conversation for a base model (one without a chat
 * template, the way a Llama 3.1 base model is made to act as an assistant): the preamble (example
 * turns), any system text, then "User: …" / "Assistant: …" lines, ending with "Assistant:" for
 * the model to continue. Generation stops when the model starts the next user turn.
 *
 * <p>The turns are lines that start with a role marker, so a message must not be able to start
 * one: a line of a message that begins with a role marker ("Assistant:", "user :" …) is indented
 * by two spaces, and every line break (CR, CR LF, U+0085, U+2028, U+2029) becomes LF first, so
 * a user cannot forge an assistant turn nor trigger the stop sequence from inside a message.
 */
public final class ConversationPrompt {
    /** Stop sequences that end the assistant's turn. */
    public static final List<String> STOPS = List.of("\nUser:", "\nuser:");

    private static final Pattern LINE_BREAKS = Pattern.compile("\\r\\n|[\\r\\u0085\\u2028\\u2029]");
    private static final Pattern ROLE_MARKER_LINE =
            Pattern.compile("(?im)^(?=[ \\t]*(?:user|assistant|system|developer|tool)[ \\t]*:)");

    private ConversationPrompt() {}

    /**
     * @throws IllegalArgumentException a role other than system, developer, user, assistant
     */
    public static String render(String preamble, List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder(preamble == null ? "" : preamble);
        for (ChatMessage m : messages) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                sb.insert(0, neutralise(m.content()) + "\n\n");
            }
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
            sb.append('\n');
        }
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "user" ->
                    sb.append("User: ").append(neutralise(m.content())).append('\n');
                case "assistant" ->
                    sb.append("Assistant: ").append(neutralise(m.content())).append('\n');
                case "system", "developer" -> {}
                default ->
                    throw new IllegalArgumentException("messages: role '" + m.role()
                            + "' needs a model with a chat template; this model's conversation prompt"
                            + " takes system, developer, user and assistant");
            }
        }
        return sb.append("Assistant:").toString();
    }

    /** The message as one turn: stripped, line breaks unified, role-marker lines indented. */
    static String neutralise(String content) {
        String text = LINE_BREAKS.matcher(content.strip()).replaceAll("\n");
        return ROLE_MARKER_LINE.matcher(text).replaceAll("  ");
    }
}
