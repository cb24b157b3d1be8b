package dev.kiln.corpus.pipeline.extract;

import java.util.Locale;

/**
 * The lower-cased tag names of one page, each spelled once: a page names a few dozen elements over and
 * over, so the lexer looks a name up in the markup's own characters instead of cutting and
 * lower-casing a new string per tag, and every consumer's set look-up then finds the string's hash
 * already computed. Hand-written because a map would need the key string this exists to avoid.
 */
final class TagNames {
    /** Slots, a power of two; the table stops learning at half full (a page of random names). */
    private final String[] slots = new String[512];

    private int size;

    /** {@code html[from, to)} lower-cased as {@code toLowerCase(Locale.ROOT)} does; {@code a} holds html's characters. */
    String lowerCase(String html, char[] a, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = a[i];
            if (c >= 0x80) return html.substring(from, to).toLowerCase(Locale.ROOT);
            h = 31 * h + lower(c);
        }
        int len = to - from, mask = slots.length - 1;
        for (int s = (h ^ (h >>> 16)) & mask; ; s = (s + 1) & mask) {
            String known = slots[s];
            if (known == null) {
                char[] l = new char[len];
                for (int i = 0; i < len; i++) l[i] = lower(a[from + i]);
                String name = new String(l);
                if (size < slots.length / 2) {
                    slots[s] = name;
                    size++;
                }
                return name;
            }
            if (known.length() == len && same(known, a, from)) return known;
        }
    }

    private static boolean same(String known, char[] a, int from) {
        for (int i = 0; i < known.length(); i++) if (known.charAt(i) != lower(a[from + i])) return false;
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
