package dev.kiln.tokenizer;

/**
 * UTF-8 helpers for the encoder's hot path.
 *
 * <p>Lone surrogates are written as U+FFFD (EF BF BD). That is what tiktoken does: Python strings may
 * hold lone surrogates, tiktoken catches the resulting UnicodeEncodeError and re-encodes the text with
 * {@code errors="replace"}. {@link String#getBytes} would write '?' instead (jtokkit inherits that),
 * which silently changes the text into another character.
 */
public final class Utf8 {
    private Utf8() {}

    /** The most bytes one UTF-16 char can produce (a surrogate pair yields 4 bytes for 2 chars). */
    static final int MAX_BYTES_PER_CHAR = 3;

    /**
     * Writes text[from, to) as UTF-8 into dst at 0 and returns the byte count. dst must hold
     * {@code (to - from) * 3} bytes.
     */
    static int encode(String text, int from, int to, byte[] dst) {
        int n = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i++);
            if (c < 0x80) {
                dst[n++] = (byte) c;
            } else if (c < 0x800) {
                dst[n++] = (byte) (0xC0 | (c >> 6));
                dst[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(text.charAt(i))) {
                    int cp = Character.toCodePoint(c, text.charAt(i++));
                    dst[n++] = (byte) (0xF0 | (cp >> 18));
                    dst[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    dst[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    dst[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    dst[n++] = (byte) 0xEF;
                    dst[n++] = (byte) 0xBF;
                    dst[n++] = (byte) 0xBD;
                }
            } else {
                dst[n++] = (byte) (0xE0 | (c >> 12));
                dst[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /** Bytes the UTF-8 form of text[from, to) takes, with the same lone-surrogate rule as {@link #encode}. */
    public static int length(String text, int from, int to) {
        int n = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i++);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(text.charAt(i))) {
                i++;
                n += 4;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Length of the UTF-8 sequence a lead byte announces, or 0 for a continuation/invalid byte. */
    static int sequenceLength(int lead) {
        lead &= 0xFF;
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** True if any char of s[from, to) is an unpaired surrogate. */
    static boolean hasLoneSurrogate(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** s with every unpaired surrogate replaced by U+FFFD (same length in chars). */
    static String replaceLoneSurrogates(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
                    i++;
                } else {
                    chars[i] = '\uFFFD';
                }
            }
        }
        return new String(chars);
    }
}
