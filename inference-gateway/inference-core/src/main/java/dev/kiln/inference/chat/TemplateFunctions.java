package dev.kiln.inference.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * The globals Hugging Face's {@code apply_chat_template} adds to Jinja, with its semantics:
 * {@code raise_exception(msg)} ends rendering with msg, {@code strftime_now(fmt)} is the local time
 * in Python's strftime format, and the {@code tojson} filter is Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=…)} (", " and ": " separators, key order kept),
 * not Jinjava's compact one, so tool schemas render byte-for-byte as they do in transformers.
 */
final class TemplateFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateFunctions() {}

    /** Jinja's raise_exception: rendering stops and the request fails with this message. */
    public static String raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** Thrown by raise_exception; ChatTemplate turns it into a ChatTemplateException with the message. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }

    /** Python's datetime.now().strftime(format) for the directives chat templates use. */
    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    static String strftime(ZonedDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            sb.append(
                    switch (d) {
                        case 'd' -> String.format("%02d", t.getDayOfMonth());
                        case 'm' -> String.format("%02d", t.getMonthValue());
                        case 'Y' -> Integer.toString(t.getYear());
                        case 'y' -> String.format("%02d", t.getYear() % 100);
                        case 'H' -> String.format("%02d", t.getHour());
                        case 'I' -> String.format("%02d", (t.getHour() + 11) % 12 + 1);
                        case 'M' -> String.format("%02d", t.getMinute());
                        case 'S' -> String.format("%02d", t.getSecond());
                        case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                        case 'j' -> String.format("%03d", t.getDayOfYear());
                        case 'b' ->
                            DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH).format(t);
                        case 'B' ->
                            DateTimeFormatter.ofPattern("MMMM", Locale.ENGLISH).format(t);
                        case 'a' ->
                            DateTimeFormatter.ofPattern("EEE", Locale.ENGLISH).format(t);
                        case 'A' ->
                            DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH).format(t);
                        case '%' -> "%";
                        default -> "%" + d;
                    });
        }
        return sb.toString();
    }

    /** {@code x | tojson} and {@code x | tojson(indent=4)}. */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            return dumps(var, indent == null ? -1 : ((Number) indent).intValue());
        }
    }

    /** json.dumps(value, ensure_ascii=False, indent=indent); indent < 0 is None. */
    static String dumps(Object value, int indent) {
        JsonNode node = toNode(value);
        try {
            Separators python = Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator("");
            DefaultPrettyPrinter pp;
            if (indent < 0) {
                pp = new DefaultPrettyPrinter(python.withObjectEntrySpacing(Separators.Spacing.AFTER)
                                .withArrayValueSpacing(Separators.Spacing.AFTER))
                        .withObjectIndenter(DefaultPrettyPrinter.NopIndenter.instance)
                        .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance);
            } else {
                DefaultIndenter in = new DefaultIndenter(" ".repeat(indent), "\n");
                pp = new DefaultPrettyPrinter(python).withObjectIndenter(in).withArrayIndenter(in);
            }
            return JSON.writer(pp).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a template holds (maps, lists, strings, numbers, booleans, null) as a JSON tree, key order kept. */
    static JsonNode toNode(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            m.forEach((k, x) -> o.set(String.valueOf(k), toNode(x)));
            return o;
        }
        if (v instanceof Iterable<?> it) {
            ArrayNode a = f.arrayNode();
            it.forEach(x -> a.add(toNode(x)));
            return a;
        }
        if (v instanceof Object[] arr) {
            ArrayNode a = f.arrayNode();
            for (Object x : arr) {
                a.add(toNode(x));
            }
            return a;
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return f.numberNode(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        return f.textNode(v.toString());
    }
}
