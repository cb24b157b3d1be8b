package dev.kiln.tokenizer;

/** Code-point stepping shared by the hand-written scanners; everything stays within [pos, limit). */
final class ScanSupport {
    private ScanSupport() {}

    /** Class bits of the code point at i (a surrogate pair counts as one code point). */
    static int classAt(String s, int i, int limit) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < limit) {
            char d = s.charAt(i + 1);
            if (Character.isLowSurrogate(d)) {
                return CharClass.of(Character.toCodePoint(c, d));
            }
        }
        return CharClass.ofChar(c);
    }

    /** Chars the code point at i takes: 2 for a surrogate pair, else 1. */
    static int widthAt(String s, int i, int limit) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1))
                ? 2
                : 1;
    }

    /** End of the run of code points, starting at i, whose class shares a bit with mask. */
    static int runWith(String s, int i, int limit, int mask) {
        while (i < limit) {
            char c = s.charAt(i);
            if (c < 0xD800) {
                if ((CharClass.ofChar(c) & mask) == 0) {
                    return i;
                }
                i++;
            } else {
                if ((classAt(s, i, limit) & mask) == 0) {
                    return i;
                }
                i += widthAt(s, i, limit);
            }
        }
        return i;
    }

    /** End of the run of code points, starting at i, whose class shares no bit with mask. */
    static int runWithout(String s, int i, int limit, int mask) {
        while (i < limit) {
            char c = s.charAt(i);
            if (c < 0xD800) {
                if ((CharClass.ofChar(c) & mask) != 0) {
                    return i;
                }
                i++;
            } else {
                if ((classAt(s, i, limit) & mask) != 0) {
                    return i;
                }
                i += widthAt(s, i, limit);
            }
        }
        return i;
    }

    /**
     * Piece end for a whitespace run at i under the common tail {@code \s+(?!\S)|\s}: the whole run at
     * the end of the text, else all but its last char (which then prefixes the next word), else one char.
     */
    static int whitespaceTail(int i, int runEnd, int limit) {
        if (runEnd == limit) {
            return runEnd;
        }
        return runEnd - i >= 2 ? runEnd - 1 : i + 1;
    }

    /** Index after the last \r or \n in [from, to), or -1. */
    static int afterLastNewline(String s, int from, int to) {
        for (int p = to - 1; p >= from; p--) {
            char c = s.charAt(p);
            if (c == '\n' || c == '\r') {
                return p + 1;
            }
        }
        return -1;
    }

    /**
     * Length of a contraction ('s 't 're 've 'm 'll 'd) at i, or 0. When caseInsensitive, letters
     * match as Unicode simple case folding does in tiktoken's regex engine, so 'ſ' (long s) matches 's'.
     */
    static int contraction(String s, int i, int limit, boolean caseInsensitive) {
        if (i + 1 >= limit || s.charAt(i) != '\'') {
            return 0;
        }
        char a = s.charAt(i + 1);
        if (caseInsensitive) {
            a = fold(a);
        }
        if (a == 's' || a == 'd' || a == 'm' || a == 't') {
            return 2;
        }
        if (i + 2 >= limit) {
            return 0;
        }
        char b = s.charAt(i + 2);
        if (caseInsensitive) {
            b = fold(b);
        }
        if ((a == 'l' && b == 'l') || (a == 'v' && b == 'e') || (a == 'r' && b == 'e')) {
            return 3;
        }
        return 0;
    }

    private static char fold(char c) {
        if (c >= 'A' && c <= 'Z') {
            return (char) (c + 32);
        }
        return c == '\u017F' ? 's' : c;
    }
}
