package dev.kiln.corpus.pipeline;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Python string semantics that datatrove's filters rely on, in Java. The porting traps:
 * Python's {@code len} counts code points (Java's {@code length()} counts UTF-16 units),
 * {@code str.splitlines()} breaks on more than {@code \n}, {@code str.isspace}/{@code str.split()}
 * know more whitespace than {@link Character#isWhitespace}, and {@code str.isalpha} is the Unicode
 * letter categories.
 */
public final class PyText {
    private PyText() {}

    /** Python {@code len(s)}: code points. */
    public static int len(CharSequence s) {
        return Character.codePointCount(s, 0, s.length());
    }

    /** Python {@code str.isspace()} for one code point. */
    public static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || cp == 0x85 || cp == 0xA0 || cp == 0x2007 || cp == 0x202F;
    }

    /** Python {@code str.isalpha()} for one code point (categories Lu, Ll, Lt, Lm, Lo). */
    public static boolean isAlpha(int cp) {
        return Character.isLetter(cp);
    }

    /** Python {@code str.splitlines()} line boundaries. */
    public static boolean isLineBreak(char c) {
        return c == '\n'
                || c == '\r'
                || c == 0x0B
                || c == 0x0C
                || c == 0x1C
                || c == 0x1D
                || c == 0x1E
                || c == 0x85
                || c == 0x2028
                || c == 0x2029;
    }

    /** Python {@code str.splitlines()} (without keepends): no trailing empty line, {@code \r\n} is one break. */
    public static List<String> splitlines(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length(), start = 0, i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (isLineBreak(c)) {
                out.add(s.substring(start, i));
                if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') i++;
                start = ++i;
            } else {
                i++;
            }
        }
        if (start < n) out.add(s.substring(start));
        return out;
    }

    /** Python {@code s.split("\n")}: keeps empty pieces, including a trailing one. */
    public static List<String> splitNewline(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** Python {@code str.strip()}. */
    public static String strip(String s) {
        int b = 0, e = s.length();
        while (b < e) {
            int cp = s.codePointAt(b);
            if (!isSpace(cp)) break;
            b += Character.charCount(cp);
        }
        while (e > b) {
            int cp = s.codePointBefore(e);
            if (!isSpace(cp)) break;
            e -= Character.charCount(cp);
        }
        return s.substring(b, e);
    }

    public static String lstrip(String s) {
        int b = 0;
        while (b < s.length()) {
            int cp = s.codePointAt(b);
            if (!isSpace(cp)) break;
            b += Character.charCount(cp);
        }
        return s.substring(b);
    }

    public static String rstrip(String s) {
        int e = s.length();
        while (e > 0) {
            int cp = s.codePointBefore(e);
            if (!isSpace(cp)) break;
            e -= Character.charCount(cp);
        }
        return s.substring(0, e);
    }

    /** Python {@code str.split()} with no argument: runs of whitespace, no empty pieces. */
    public static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length(), i = 0;
        while (i < n) {
            while (i < n) {
                int cp = s.codePointAt(i);
                if (!isSpace(cp)) break;
                i += Character.charCount(cp);
            }
            if (i >= n) break;
            int start = i;
            while (i < n) {
                int cp = s.codePointAt(i);
                if (isSpace(cp)) break;
                i += Character.charCount(cp);
            }
            out.add(s.substring(start, i));
        }
        return out;
    }

    /** Python {@code text.count(sub)}: non-overlapping occurrences. */
    public static int count(String text, String sub) {
        int c = 0, i = 0;
        while ((i = text.indexOf(sub, i)) >= 0) {
            c++;
            i += sub.length();
        }
        return c;
    }

    /** datatrove's PUNCTUATION string (ASCII and CJK punctuation plus C0/C1 control characters). */
    public static final String PUNCTUATION;

    private static final boolean[] PUNCT_BMP = new boolean[0x10000];

    static {
        StringBuilder sb = new StringBuilder(
                "!/\u2014\u201D:\uFF05\uFF11\u3008&(\u3001\u2501\\\u3010#%\u300C\u300D\uFF0C\u3011\uFF1B+^]~\u201C\u300A\u201E';\u2019{|\u2236\u00B4[=-`*\uFF0E\uFF08\u2013\uFF1F\uFF01\uFF1A$\uFF5E\u00AB\u3009,><\u300B)?\uFF09\u3002\u2026@_.\"}\u25BA\u00BB");
        int[][] ranges = {{0, 9}, {11, 13}, {13, 32}, {127, 160}};
        for (int[] r : ranges) for (int x = r[0]; x < r[1]; x++) sb.append((char) x);
        PUNCTUATION = sb.toString();
        for (int i = 0; i < PUNCTUATION.length(); i++) PUNCT_BMP[PUNCTUATION.charAt(i)] = true;
    }

    public static boolean isPunctuation(int cp) {
        return cp < 0x10000 && PUNCT_BMP[cp];
    }

    /**
     * datatrove's {@code simplify_text} with FineWeb's default {@code TextNormConfig}: lowercase,
     * whitespace runs → one space, punctuation removed, diacritics stripped (NFD, drop Mn), digit runs → "0".
     */
    public static String simplify(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        // whitespace normalisation + punctuation removal in one pass (strip first, like Python)
        t = strip(t);
        StringBuilder sb = new StringBuilder(t.length());
        boolean lastSpace = false;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp) && !isPunctuation(cp)) {
                // Python: whitespace replaced by " " before punctuation removal, so control chars that are
                // both whitespace and in PUNCTUATION (e.g. \x0b \x0c \x1c-\x1f \x85) become a space first.
                if (!lastSpace) sb.append(' ');
                lastSpace = true;
                continue;
            }
            if (isSpace(cp)) {
                if (!lastSpace) sb.append(' ');
                lastSpace = true;
                continue;
            }
            if (isPunctuation(cp)) continue;
            sb.appendCodePoint(cp);
            lastSpace = false;
        }
        String s = sb.toString();
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++)
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        if (!ascii) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder b2 = new StringBuilder(nfd.length());
            for (int i = 0; i < nfd.length(); ) {
                int cp = nfd.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.getType(cp) != Character.NON_SPACING_MARK) b2.appendCodePoint(cp);
            }
            s = b2.toString();
        }
        StringBuilder b3 = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isDigit(cp)) {
                b3.append('0');
                while (i < s.length() && Character.isDigit(s.codePointAt(i)))
                    i += Character.charCount(s.codePointAt(i));
            } else {
                b3.appendCodePoint(cp);
            }
        }
        return strip(b3.toString());
    }
}
