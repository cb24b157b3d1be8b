package dev.kiln.inference.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template ({@code chat_template} of tokenizer_config.json), rendered by
 * Jinjava as transformers' {@code apply_chat_template} renders it with Jinja2 (the source adapted
 * where Jinjava parses differently, see {@link JinjaSource}): the variables {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the helpers templates
 * call ({@code raise_exception}, {@code strftime_now}, Python's {@code tojson}, Python string
 * methods).
 */
public final class ChatTemplate {
    /** Output bound: a template looping over a huge conversation must not exhaust memory. */
    private static final long MAX_OUTPUT_CHARS = 16L << 20;

    private static final Jinjava JINJAVA = engine();

    private final String source;
    private final String bosToken;
    private final String eosToken;

    /**
     * @param source   the template text
     * @param bosToken tokenizer_config.json's bos_token ("" when none)
     * @param eosToken tokenizer_config.json's eos_token ("" when none)
     */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = JinjaSource.forJinjava(source);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
    }

    private static Jinjava engine() {
        CompositeELResolver resolvers = new CompositeELResolver();
        resolvers.add(new PythonStringMethods());
        resolvers.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Jinjava j = new Jinjava(JinjavaConfig.newBuilder()
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withElResolver(resolvers)
                .build());
        j.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", TemplateFunctions.class, "raiseException", String.class));
        j.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        j.getGlobalContext().registerFilter(new TemplateFunctions.ToJson());
        return j;
    }

    /**
     * Renders a conversation.
     *
     * @param extra further variables (tools, date_string, enable_thinking …), may be empty
     * @throws ChatTemplateException the template failed: its syntax, its own raise_exception,
     *     or an expression Jinjava cannot evaluate (the message is the engine's)
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> vars = new HashMap<>(extra);
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("role", m.role());
            x.put("content", m.content());
            msgs.add(x);
        }
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return render(vars);
    }

    /** Renders with these variables, bos_token and eos_token added. */
    String render(Map<String, Object> variables) {
        Map<String, Object> vars = new HashMap<>(variables);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RenderResult r;
        try {
            r = JINJAVA.renderForResult(source, vars);
        } catch (RuntimeException e) {
            throw failure(e, e.getMessage());
        }
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(
                        e.getException(), e.getMessage() + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : ""));
            }
        }
        return r.getOutput();
    }

    /** The template's own raise_exception message when it is the cause, else the engine's. */
    private static ChatTemplateException failure(Throwable cause, String engineMessage) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TemplateFunctions.TemplateRaisedException raised) {
                return new ChatTemplateException("the chat template refused the conversation: " + raised.getMessage());
            }
        }
        return new ChatTemplateException("the chat template failed to render: " + engineMessage);
    }
}
