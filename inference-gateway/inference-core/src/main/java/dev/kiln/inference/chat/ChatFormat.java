package dev.kiln.inference.chat;

import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.text.BundleTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How one model turns a conversation into a prompt: its chat template when the bundle has one,
 * else the few-shot {@link ConversationPrompt} of a base model.
 *
 * <p>A template's output is encoded with special tokens recognised ({@code <|eot_id|>} becomes its
 * id) and without the tokenizer's post-processor, as transformers' {@code apply_chat_template}
 * does: the template writes {@code bos_token} itself. Special-token text inside a message is
 * not recognised, or a user could close their turn and forge an assistant's by typing
 * {@code <|eot_id|><|start_header_id|>assistant<|end_header_id|>}: before rendering, each such
 * string in a message is replaced by a placeholder (U+FDD0, a noncharacter, then a private-use
 * character numbering the token) that the encoder turns back into the token's ordinary text.
 */
public final class ChatFormat {
    public static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private static final char PLACEHOLDER = '\uFDD0';
    private static final char FIRST_INDEX = '\uE000';
    private static final int MAX_PLACEHOLDERS = '\uF8FF' - '\uE000' + 1;
    private static final Pattern PLACEHOLDERS = Pattern.compile(PLACEHOLDER + "[\\uE000-\\uF8FF]");

    private final ChatTemplate template;
    private final String conversationPreamble;
    private final BundleTokenizer tokenizer;
    private final List<String> specials;
    private final Pattern specialText;

    /**
     * @param config                the bundle's chat fields
     * @param conversationPreamble  the few-shot examples for a model without a template
     */
    public ChatFormat(ChatConfig config, String conversationPreamble, BundleTokenizer tokenizer) {
        this.template = config.template() == null
                ? null
                : new ChatTemplate(config.template(), config.bosToken(), config.eosToken());
        this.conversationPreamble = conversationPreamble;
        this.tokenizer = tokenizer;
        this.specials = tokenizer.specialTokenNames().stream()
                .filter(s -> !s.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed())
                .limit(MAX_PLACEHOLDERS)
                .toList();
        this.specialText = specials.isEmpty()
                ? null
                : Pattern.compile(specials.stream().map(Pattern::quote).collect(Collectors.joining("|")));
    }

    public boolean hasTemplate() {
        return template != null;
    }

    /**
     * A rendered conversation: ids (template) or text for the plain prompt path (conversation
     * prompt, encoded as any prompt is), and the stop sequences the format needs.
     */
    public record Prompt(String text, int[] ids, List<String> stops) {}

    /**
     * @throws InvalidRequestException no messages, an unknown role, a role the conversation prompt cannot hold
     * @throws ChatTemplateException   the template failed to render (its message is the engine's)
     */
    public Prompt prompt(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("messages: at least one message is required");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw new InvalidRequestException("messages[" + i + "].role: unknown role '" + m.role()
                        + "' (system, developer, user, assistant, tool)");
            }
        }
        if (template == null) {
            try {
                return new Prompt(
                        ConversationPrompt.render(conversationPreamble, messages), null, ConversationPrompt.STOPS);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(e.getMessage());
            }
        }
        List<ChatMessage> guarded = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            guarded.add(new ChatMessage(m.role(), placeholders(m.content() == null ? "" : m.content())));
        }
        int[] ids = encode(template.render(guarded, true, Map.of()));
        if (ids.length == 0) {
            throw new InvalidRequestException("messages: the model's chat template rendered them as an empty prompt");
        }
        return new Prompt(null, ids, List.of());
    }

    private String placeholders(String content) {
        String safe = content.replace(PLACEHOLDER, '\uFFFD');
        if (specialText == null) {
            return safe;
        }
        return specialText
                .matcher(safe)
                .replaceAll(m -> Matcher.quoteReplacement(
                        PLACEHOLDER + String.valueOf((char) (FIRST_INDEX + specials.indexOf(m.group())))));
    }

    /** Template text with special tokens recognised; each placeholder as its token's ordinary text. */
    int[] encode(String rendered) {
        List<int[]> parts = new ArrayList<>();
        Matcher m = PLACEHOLDERS.matcher(rendered);
        int from = 0;
        while (m.find()) {
            parts.add(tokenizer.encodeChat(rendered.substring(from, m.start()), true));
            parts.add(tokenizer.encodeChat(specials.get(m.group().charAt(1) - FIRST_INDEX), false));
            from = m.end();
        }
        parts.add(tokenizer.encodeChat(rendered.substring(from), true));
        return parts.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
