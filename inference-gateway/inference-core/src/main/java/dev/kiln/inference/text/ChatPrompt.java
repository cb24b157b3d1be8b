package dev.kiln.inference.text;

import java.util.List;

/**
 * Renders a chat as a plain-text few-shot conversation for a base model: the preamble (example
 * turns), any system text, then "User: …" / "Assistant: …" lines, ending with "Assistant:" for
 * the model to continue. Generation stops when the model starts the next user turn.
 */
public final class ChatPrompt {
    /** Stop sequences that end the assistant's turn. */
    public static final List<String> STOPS = List.of("\nUser:", "\nuser:");

    public record Message(String role, String content) {}

    private ChatPrompt() {}

    public static String render(String preamble, List<Message> messages) {
        StringBuilder sb = new StringBuilder(preamble == null ? "" : preamble);
        for (Message m : messages) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                sb.insert(0, m.content().strip() + "\n\n");
            }
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
            sb.append('\n');
        }
        for (Message m : messages) {
            switch (m.role()) {
                case "user" -> sb.append("User: ").append(m.content().strip()).append('\n');
                case "assistant" ->
                    sb.append("Assistant: ").append(m.content().strip()).append('\n');
                case "system", "developer" -> {}
                default ->
                    throw new IllegalArgumentException(
                            "messages: unknown role '" + m.role() + "' (system, user, assistant)");
            }
        }
        return sb.append("Assistant:").toString();
    }
}
