package dev.kiln.corpus.pipeline.extract;

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

    /**
     * A start tag: lower-cased name, the attributes the extractor reads, and whether it ended with "/>". A
     * {@code meta} tag's {@code name}, {@code property} and {@code content} are read for it alone (null
     * elsewhere): the page's description is read from them.
     */
    record StartTag(
            String name,
            String cls,
            String id,
            String role,
            String style,
            String type,
            String itemprop,
            boolean hidden,
            boolean selfClosing,
            String metaName,
            String metaProperty,
            String metaContent) {}

    /** What the lexer reports, in document order. */
    interface Handler {
        /** Text between tags, character references still encoded: {@code html[from, to)}. */
        void text(String html, int from, int to);

        void startTag(StartTag tag);

        void endTag(String name);

        /**
         * A raw-text element, whole: its start tag and its content {@code html[from, to)}, up to its end
         * tag or the end of the input. No end tag is reported for it. Returns where its content ends: {@code
         * to}, or an earlier position from which the rest is lexed as markup again (a title whose end tag
         * was lost).
         */
        int rawTextElement(StartTag tag, String html, int from, int to);
    }

    static void tokenize(String html, Handler handler) {
        // scanned as an array: String.charAt on a page with any non-Latin-1 character pays an index check
        // and a UTF-16 read per character, which was most of the lexer's time
        char[] a = html.toCharArray();
        TagNames names = new TagNames();
        int n = a.length;
        int i = 0;
        int textStart = 0;
        String lastRawName = null;
        int lastRawFrom = -1, lastRawClose = -1;
        while (i < n) {
            i = html.indexOf('<', i);
            if (i < 0 || i + 1 >= n) break;
            char d = a[i + 1];
            boolean startTag = isAsciiLetter(d);
            boolean endTag = d == '/' && i + 2 < n && isAsciiLetter(a[i + 2]);
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
            while (p < n && !isTagNameEnd(a[p])) p++;
            String name = names.lowerCase(html, a, nameStart, p);
            // attributes until '>' (respecting quotes)
            String cls = null, id = null, role = null, style = null, type = null, itemprop = null;
            String metaName = null, metaProperty = null, metaContent = null;
            boolean meta = name.equals("meta");
            boolean hidden = false;
            boolean selfClosing = false;
            while (p < n && a[p] != '>') {
                char c = a[p];
                if (c == '/') {
                    selfClosing = true;
                    p++;
                    continue;
                }
                if (isWhitespace(c)) {
                    p++;
                    continue;
                }
                selfClosing = false;
                int an = p;
                while (p < n) {
                    char x = a[p];
                    if (x == '=' || x == '>' || isWhitespace(x) || x == '/' && p + 1 < n && a[p + 1] == '>') break;
                    p++;
                }
                int attr = endTag ? OTHER : attribute(a, an, p);
                while (p < n && isWhitespace(a[p])) p++;
                int vs = -1, ve = -1;
                if (p < n && a[p] == '=') {
                    p++;
                    while (p < n && isWhitespace(a[p])) p++;
                    if (p < n && (a[p] == '"' || a[p] == '\'')) {
                        char q = a[p];
                        int close = html.indexOf(q, p + 1);
                        if (close < 0) close = n;
                        vs = p + 1;
                        ve = close;
                        p = Math.min(n, close + 1);
                    } else {
                        vs = p;
                        while (p < n && !isWhitespace(a[p]) && a[p] != '>') p++;
                        ve = p;
                    }
                }
                if (attr == OTHER || attr >= META_NAME && !meta) continue;
                String val = vs < 0 ? null : html.substring(vs, ve);
                switch (attr) {
                    case CLASS -> cls = val;
                    case ID -> id = val;
                    case ROLE -> role = val;
                    case STYLE -> style = val;
                    case TYPE -> type = val;
                    case ITEMPROP -> itemprop = val;
                    case HIDDEN -> hidden = true;
                    case ARIA_HIDDEN -> hidden |= "true".equalsIgnoreCase(val);
                    case META_NAME -> metaName = val;
                    case META_PROPERTY -> metaProperty = val;
                    case META_CONTENT -> metaContent = val;
                    default -> {}
                }
            }
            i = Math.min(n, p + 1);
            textStart = i;
            if (endTag) {
                handler.endTag(name);
                continue;
            }
            StartTag tag = new StartTag(
                    name,
                    cls,
                    id,
                    role,
                    style,
                    type,
                    itemprop,
                    hidden,
                    selfClosing,
                    metaName,
                    metaProperty,
                    metaContent);
            if (RAW_TEXT.contains(name)) {
                int close;
                if (name.equals(lastRawName) && i >= lastRawFrom && (lastRawClose < 0 || lastRawClose >= i)) {
                    // the same end tag again: after a cut-short title the next one finds the end tag the first
                    // one found, and searching for it again per title is quadratic on a page of lost end tags
                    close = lastRawClose;
                } else {
                    close = endTagOf(html, a, name, i);
                    lastRawName = name;
                    lastRawFrom = i;
                    lastRawClose = close;
                }
                int contentEnd = close < 0 ? n : close;
                int end = handler.rawTextElement(tag, html, i, contentEnd);
                if (end < contentEnd) {
                    i = textStart = end;
                    continue;
                }
                int gt = close < 0 ? n : html.indexOf('>', close);
                i = gt < 0 ? n : gt + 1;
                textStart = i;
                continue;
            }
            handler.startTag(tag);
        }
        if (n > textStart) handler.text(html, textStart, n);
    }

    /** The attributes the lexer keeps, as {@link #attribute} names them. */
    private static final int OTHER = 0,
            CLASS = 1,
            ID = 2,
            ROLE = 3,
            STYLE = 4,
            TYPE = 5,
            ITEMPROP = 6,
            HIDDEN = 7,
            ARIA_HIDDEN = 8,
            // a meta tag's only, from here on
            META_NAME = 9,
            META_PROPERTY = 10,
            META_CONTENT = 11;

    private static final String[] KEPT_ATTRIBUTES = {
        null, "class", "id", "role", "style", "type", "itemprop", "hidden", "aria-hidden", "name", "property", "content"
    };

    /**
     * Which kept attribute {@code a[from, to)} names, compared without lower-casing a copy: the names are
     * ASCII without a 'k', and the only non-ASCII characters whose lower case is ASCII are the Kelvin
     * sign ('k') and dotted capital I (two characters), so an ASCII-only case-folding match is exactly
     * {@code toLowerCase(Locale.ROOT).equals(name)}.
     */
    private static int attribute(char[] a, int from, int to) {
        int k = switch (to - from) {
            case 2 -> ID;
            case 4 ->
                switch (asciiLower(a[from])) {
                    case 'r' -> ROLE;
                    case 'n' -> META_NAME;
                    default -> TYPE;
                };
            case 5 -> asciiLower(a[from]) == 'c' ? CLASS : STYLE;
            case 6 -> HIDDEN;
            case 7 -> META_CONTENT;
            case 8 -> asciiLower(a[from]) == 'i' ? ITEMPROP : META_PROPERTY;
            case 11 -> ARIA_HIDDEN;
            default -> OTHER;
        };
        if (k == OTHER) return OTHER;
        String want = KEPT_ATTRIBUTES[k];
        for (int j = 0; j < want.length(); j++) if (asciiLower(a[from + j]) != want.charAt(j)) return OTHER;
        return k;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Where the end tag of raw-text element {@code name} starts at or after {@code from}; -1: none. */
    private static int endTagOf(String html, char[] a, String name, int from) {
        int n = a.length, m = name.length();
        for (int i = html.indexOf('<', from); i >= 0; i = html.indexOf('<', i + 1)) {
            if (i + 2 + m > n) return -1;
            if (a[i + 1] == '/' && html.regionMatches(true, i + 2, name, 0, m)) {
                int after = i + 2 + m;
                if (after >= n || isTagNameEnd(a[after])) return i;
            }
        }
        return -1;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTagNameEnd(char c) {
        return c == '>' || c == '/' || isWhitespace(c);
    }

    /** Bits 9-13 and 28-32: the characters up to ' ' that {@link Character#isWhitespace} accepts. */
    private static final long LOW_WHITESPACE = 0x1F0003E00L;

    /** {@link Character#isWhitespace}, without its table look-up for ASCII. */
    static boolean isWhitespace(char c) {
        if (c <= ' ') return (LOW_WHITESPACE & (1L << c)) != 0;
        return c >= 0x80 && Character.isWhitespace(c);
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
