package dev.kiln.inference.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for Jinjava. Hugging Face chat templates are Jinja run on Python,
 * where a string's own methods are callable: {@code content.strip()},
 * {@code content.split('</think>')[-1].lstrip('\n')}, {@code content.startswith('<tool_response>')}.
 * Jinjava calls the Java methods of {@link String} instead, which either do not exist
 * ({@code startswith}, {@code lstrip}) or differ ({@code split} takes a regex and drops trailing
 * empty strings). This resolver answers those names on strings with Python's semantics and leaves
 * every other call to Jinjava's own resolvers.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof CharSequence) || method == null) {
            return null;
        }
        String s = base.toString();
        Object[] p = params == null ? new Object[0] : params;
        Object result = switch (method.toString()) {
            case "strip" -> strip(s, arg(p, 0), true, true);
            case "lstrip" -> strip(s, arg(p, 0), true, false);
            case "rstrip" -> strip(s, arg(p, 0), false, true);
            case "split" -> split(s, arg(p, 0), p.length > 1 ? ((Number) p[1]).intValue() : -1);
            case "startswith" -> anyMatch(p.length > 0 ? p[0] : null, s::startsWith);
            case "endswith" -> anyMatch(p.length > 0 ? p[0] : null, s::endsWith);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" ->
                s.isEmpty()
                        ? s
                        : s.substring(0, 1).toUpperCase(Locale.ROOT)
                                + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(s, arg(p, 0), arg(p, 1), p.length > 2 ? ((Number) p[2]).intValue() : -1);
            case "find" -> (long) s.indexOf(arg(p, 0));
            case "count" -> count(s, arg(p, 0));
            case "join" -> join(s, p.length > 0 ? p[0] : null);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(PythonStringMethods::isSpace);
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static String arg(Object[] p, int i) {
        return i < p.length && p[i] != null ? p[i].toString() : null;
    }

    /** Python's str.isspace per character (Java's isWhitespace misses U+00A0, U+0085 and U+2007). */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int from = 0, to = s.length();
        while (left && from < to && strippable(s.charAt(from), chars)) {
            from++;
        }
        while (right && to > from && strippable(s.charAt(to - 1), chars)) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** str.split(sep, maxsplit): a literal separator keeps empty parts; no separator splits on runs of whitespace. */
    static List<String> split(String s, String sep, int max) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i == n) {
                    return out;
                }
                if (max >= 0 && out.size() == max) {
                    out.add(strip(s.substring(i), null, false, true));
                    return out;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0, at;
        while ((max < 0 || out.size() < max) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private interface Test {
        boolean test(String s);
    }

    /** startswith/endswith take a string or a tuple of strings. */
    private static boolean anyMatch(Object arg, Test test) {
        if (arg instanceof Collection<?> c) {
            return c.stream().anyMatch(x -> x != null && test.test(x.toString()));
        }
        return arg != null && test.test(arg.toString());
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    private static String replace(String s, String old, String with, int count) {
        if (count < 0 || old.isEmpty()) {
            return s.replace(old, with);
        }
        StringBuilder sb = new StringBuilder();
        int from = 0, at, n = 0;
        while (n < count && (at = s.indexOf(old, from)) >= 0) {
            sb.append(s, from, at).append(with);
            from = at + old.length();
            n++;
        }
        return sb.append(s.substring(from)).toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> it) {
            it.forEach(x -> parts.add(String.valueOf(x)));
        }
        return String.join(sep, parts);
    }

    // Read-only for properties: the other resolvers of the chain answer those.
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
