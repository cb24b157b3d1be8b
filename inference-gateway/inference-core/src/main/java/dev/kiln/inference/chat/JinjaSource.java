package dev.kiln.inference.chat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a chat template's source so that Jinjava parses it as Jinja2 would. Each rewrite
 * bridges one measured difference (ChatTemplateTest compares real templates with the reference
 * renderer):
 * <ul>
 *   <li>whitespace: transformers runs Jinja2 with {@code trim_blocks}, {@code lstrip_blocks} and
 *       without {@code keep_trailing_newline}; Jinjava's own handling of {@code {%-}/{@code -%}}
 *       and trimmed blocks leaves stray newlines and indentation in indented templates (Mistral
 *       Nemo, Llama 3.1), and chat prompts are whitespace-exact. The rules are applied here, in
 *       the order @huggingface/jinja applies them, and Jinjava gets a template without markers;</li>
 *   <li>transformers' {@code {% generation %}} tags (training masks) render nothing;</li>
 *   <li>{@code x[::-1]} (Qwen 3 walks the messages backwards) becomes {@code x|reverse}, as
 *       Jinjava has no extended slices;</li>
 *   <li>{@code namespace(a=x|length - 1)}: Jinjava binds the named argument before the
 *       subtraction, so each value of a namespace call is parenthesised.</li>
 * </ul>
 */
final class JinjaSource {
    private static final Pattern LSTRIP_BLOCKS = Pattern.compile("(?m)^[ \\t]*(\\{[#%])");
    private static final Pattern TRIM_BLOCKS = Pattern.compile("([#%]\\})\\n");
    private static final Pattern GENERATION = Pattern.compile("(\\s*)\\{%(-?)\\s*(?:end)?generation\\s*(-?)%\\}(\\s*)");
    private static final Pattern OPEN_MINUS = Pattern.compile("\\s*\\{([%{#])-");
    private static final Pattern CLOSE_MINUS = Pattern.compile("-([%}#])\\}\\s*");
    private static final Pattern NAMESPACE = Pattern.compile("namespace\\(([^()]*)\\)");
    private static final Pattern NAMED_ARG = Pattern.compile("(\\w+)\\s*=\\s*([^,]+)");

    private JinjaSource() {}

    static String forJinjava(String template) {
        String t = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        t = LSTRIP_BLOCKS.matcher(t).replaceAll("$1");
        t = TRIM_BLOCKS.matcher(t).replaceAll("$1");
        t = GENERATION
                .matcher(t)
                .replaceAll(m -> Matcher.quoteReplacement(
                        (m.group(2).isEmpty() ? m.group(1) : "") + (m.group(3).isEmpty() ? m.group(4) : "")));
        t = OPEN_MINUS.matcher(t).replaceAll("{$1");
        t = CLOSE_MINUS.matcher(t).replaceAll("$1}");
        t = t.replace("[::-1]", "|reverse");
        return NAMESPACE
                .matcher(t)
                .replaceAll(m -> Matcher.quoteReplacement("namespace("
                        + NAMED_ARG
                                .matcher(m.group(1))
                                .replaceAll(a -> Matcher.quoteReplacement(
                                        a.group(1) + "=(" + a.group(2).strip() + ")"))
                        + ")"));
    }
}
