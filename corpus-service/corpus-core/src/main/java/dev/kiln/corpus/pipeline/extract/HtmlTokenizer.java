package dev.kiln.corpus.pipeline.extract;

import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Entities;

/**
 * A tolerant HTML lexer: one pass over the markup, without a tree, reporting runs of text, start tags
 * (with the few attributes the extractor reads), end tags, and raw-text elements (script, style,
 * title ...) whose content is not markup. Comments, CDATA sections, doctypes and processing
 * instructions are passed over; a '<' that starts no tag is text. Character references stay encoded
 * in what is reported; {@link #unescape} decodes them for the text a consumer keeps.
 */
final class HtmlTokenizer {
    private HtmlTokenizer() {}

    /** Elements whose content runs to their end tag without markup in it. */
    static final Set<String> RAW_TEXT = Set.of(
            "script",
            "style",
            "textarea",
            "title",
            "noscript",
            "xmp",
            "iframe",
            "template",
            "noembed",
            "noframes",
            "plaintext");

    /** A start tag: lower-cased name, the attributes the extractor reads, and whether it ended with "/>". */
    record StartTag(
            String name,
            String cls,
            String id,
            String role,
            String style,
            String type,
            String itemprop,
            boolean hidden,
            boolean selfClosing) {}

    /** What the lexer reports, in document order. */
    interface Handler {
        /** Text between tags, character references still encoded: {@code html[from, to)}. */
        void text(String html, int from, int to);

        void startTag(StartTag tag);

        void endTag(String name);

        /**
         * A raw-text element, whole: its start tag and its content {@code html[from, to)}, up to its end
         * tag or the end of the input. No end tag is reported for it.
         */
        void rawTextElement(StartTag tag, String html, int from, int to);
    }

    static void tokenize(String html, Handler handler) {
        int n = html.length();
        int i = 0;
        int textStart = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (c != '<' || i + 1 >= n) {
                i++;
                continue;
            }
            char d = html.charAt(i + 1);
            boolean startTag = isAsciiLetter(d);
            boolean endTag = d == '/' && i + 2 < n && isAsciiLetter(html.charAt(i + 2));
            boolean comment = d == '!' || d == '?';
            if (!startTag && !endTag && !comment) {
                i++;
                continue;
            }
            // text before the tag
            if (i > textStart) handler.text(html, textStart, i);
            if (comment) {
                int end;
                if (html.startsWith("<!--", i)) {
                    end = html.indexOf("-->", i + 4);
                    i = end < 0 ? n : end + 3;
                } else if (html.startsWith("<![CDATA[", i)) {
                    end = html.indexOf("]]>", i + 9);
                    i = end < 0 ? n : end + 3;
                } else {
                    end = html.indexOf('>', i + 2);
                    i = end < 0 ? n : end + 1;
                }
                textStart = i;
                continue;
            }
            int p = i + (endTag ? 2 : 1);
            int nameStart = p;
            while (p < n && !isTagNameEnd(html.charAt(p))) p++;
            String name = html.substring(nameStart, p).toLowerCase(Locale.ROOT);
            // attributes until '>' (respecting quotes)
            String cls = null, id = null, role = null, style = null, type = null, itemprop = null;
            boolean hidden = false;
            boolean selfClosing = false;
            while (p < n && html.charAt(p) != '>') {
                char a = html.charAt(p);
                if (a == '/') {
                    selfClosing = true;
                    p++;
                    continue;
                }
                if (Character.isWhitespace(a)) {
                    p++;
                    continue;
                }
                selfClosing = false;
                int an = p;
                while (p < n
                        && html.charAt(p) != '='
                        && html.charAt(p) != '>'
                        && !Character.isWhitespace(html.charAt(p))
                        && !(html.charAt(p) == '/' && p + 1 < n && html.charAt(p + 1) == '>')) p++;
                String attr = html.substring(an, p).toLowerCase(Locale.ROOT);
                while (p < n && Character.isWhitespace(html.charAt(p))) p++;
                String val = null;
                if (p < n && html.charAt(p) == '=') {
                    p++;
                    while (p < n && Character.isWhitespace(html.charAt(p))) p++;
                    if (p < n && (html.charAt(p) == '"' || html.charAt(p) == '\'')) {
                        char q = html.charAt(p);
                        int ve = html.indexOf(q, p + 1);
                        if (ve < 0) ve = n;
                        val = html.substring(p + 1, ve);
                        p = Math.min(n, ve + 1);
                    } else {
                        int vs = p;
                        while (p < n && !Character.isWhitespace(html.charAt(p)) && html.charAt(p) != '>') p++;
                        val = html.substring(vs, p);
                    }
                }
                if (endTag) continue;
                switch (attr) {
                    case "class" -> cls = val;
                    case "id" -> id = val;
                    case "role" -> role = val;
                    case "style" -> style = val;
                    case "type" -> type = val;
                    case "itemprop" -> itemprop = val;
                    case "hidden" -> hidden = true;
                    case "aria-hidden" -> hidden |= "true".equalsIgnoreCase(val);
                    default -> {}
                }
            }
            i = Math.min(n, p + 1);
            textStart = i;
            if (endTag) {
                handler.endTag(name);
                continue;
            }
            StartTag tag = new StartTag(name, cls, id, role, style, type, itemprop, hidden, selfClosing);
            if (RAW_TEXT.contains(name)) {
                int close = indexOfIgnoreCase(html, "</" + name, i);
                int contentEnd = close < 0 ? n : close;
                handler.rawTextElement(tag, html, i, contentEnd);
                int gt = close < 0 ? n : html.indexOf('>', close);
                i = gt < 0 ? n : gt + 1;
                textStart = i;
                continue;
            }
            handler.startTag(tag);
        }
        if (n > textStart) handler.text(html, textStart, n);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTagNameEnd(char c) {
        return c == '>' || c == '/' || Character.isWhitespace(c);
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        int n = s.length(), m = needle.length();
        for (int i = from; i + m <= n; i++) {
            if (s.charAt(i) == '<' && s.regionMatches(true, i, needle, 0, m)) {
                int after = i + m;
                if (after >= n || isTagNameEnd(s.charAt(after))) return i;
            }
        }
        return -1;
    }

    /** Decodes character references: numeric ones, and named ones through jsoup's entity table. */
    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0, n = s.length();
        for (int i = amp; i >= 0 && i < n; i = s.indexOf('&', i + 1)) {
            int j = i + 1;
            String rep = null;
            if (j < n && s.charAt(j) == '#') {
                j++;
                boolean hex = j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
                if (hex) j++;
                int st = j;
                while (j < n
                        && j - st < 8
                        && (hex ? Character.digit(s.charAt(j), 16) >= 0 : Character.isDigit(s.charAt(j)))) j++;
                if (j > st) {
                    int cp;
                    try {
                        cp = Integer.parseInt(s.substring(st, j), hex ? 16 : 10);
                    } catch (NumberFormatException e) {
                        cp = 0xFFFD;
                    }
                    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
                    if (cp >= 0x80 && cp <= 0x9F)
                        cp = new String(new byte[] {(byte) cp}, java.nio.charset.Charset.forName("windows-1252"))
                                .codePointAt(0);
                    rep = new String(Character.toChars(cp));
                    if (j < n && s.charAt(j) == ';') j++;
                }
            } else {
                int st = j;
                while (j < n && j - st < 32 && Character.isLetterOrDigit(s.charAt(j))) j++;
                if (j > st) {
                    String name = s.substring(st, j);
                    String v = Entities.getByName(name);
                    if (v != null && !v.isEmpty()) {
                        rep = v;
                        if (j < n && s.charAt(j) == ';') j++;
                    }
                }
            }
            if (rep != null) {
                sb.append(s, last, i).append(rep);
                last = j;
                i = j - 1;
            }
        }
        sb.append(s, last, n);
        return sb.toString();
    }
}
