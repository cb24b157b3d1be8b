package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The added tokens of an encoding (special or not) and a search for their text in input.
 *
 * <p>The search looks only at chars that start some token; all the built-in ones start with
 * '<', so it is one {@link String#indexOf(int, int)} per candidate. At one position the longest
 * matching token wins (tiktoken's alternation order there is a hash map's, i.e. unspecified; Hugging
 * Face's is leftmost-longest too). Hugging Face's flags apply: {@code single_word} skips a match
 * inside a word, {@code lstrip}/{@code rstrip} widen a match over adjacent whitespace.
 */
final class SpecialTokens {
    private final String[] tokens;
    private final int[] ids;
    private final boolean[] special;
    private final boolean[] singleWord;
    private final boolean[] lstrip;
    private final boolean[] rstrip;
    private final Map<String, Integer> byName;
    private final Map<Integer, String> byId;
    /** The single first char all tokens share, or -1. */
    private final int commonFirst;

    private final java.util.BitSet firstChars = new java.util.BitSet();

    SpecialTokens(Map<String, Integer> specials) {
        this(specials.entrySet().stream()
                .map(e -> AddedToken.special(e.getKey(), e.getValue()))
                .toList());
    }

    SpecialTokens(List<AddedToken> added) {
        List<AddedToken> entries = new ArrayList<>(added);
        // longest first, so the first hit at a position is the longest
        entries.sort(
                Comparator.comparingInt((AddedToken t) -> -t.content().length()).thenComparing(AddedToken::content));
        int n = entries.size();
        tokens = new String[n];
        ids = new int[n];
        special = new boolean[n];
        singleWord = new boolean[n];
        lstrip = new boolean[n];
        rstrip = new boolean[n];
        Map<String, Integer> names = new LinkedHashMap<>();
        Map<Integer, String> idMap = new LinkedHashMap<>();
        int first = entries.isEmpty() ? -1 : entries.get(0).content().charAt(0);
        for (int i = 0; i < n; i++) {
            AddedToken t = entries.get(i);
            tokens[i] = t.content();
            ids[i] = t.id();
            special[i] = t.special();
            singleWord[i] = t.singleWord();
            lstrip[i] = t.lstrip();
            rstrip[i] = t.rstrip();
            if (t.special()) {
                names.put(tokens[i], ids[i]);
            }
            if (idMap.put(ids[i], tokens[i]) != null) {
                throw new IllegalArgumentException("two added tokens share id " + ids[i]);
            }
            firstChars.set(tokens[i].charAt(0));
            if (tokens[i].charAt(0) != first) {
                first = -1;
            }
        }
        this.byName = Collections.unmodifiableMap(names);
        this.byId = Collections.unmodifiableMap(idMap);
        this.commonFirst = first;
    }

    int count() {
        return tokens.length;
    }

    String token(int index) {
        return tokens[index];
    }

    int id(int index) {
        return ids[index];
    }

    /** The special ones (not plain added tokens): text → id. */
    Map<String, Integer> byName() {
        return byName;
    }

    /** The id of an added token, special or not, or -1. */
    int idOf(String content) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(content)) {
                return ids[i];
            }
        }
        return -1;
    }

    /** The text of an added token, special or not, or null. */
    String nameOf(int id) {
        return byId.get(id);
    }

    boolean isSpecial(int index) {
        return special[index];
    }

    /** Flags, by index, of the added tokens that are not special (always matched). */
    boolean[] plain() {
        boolean[] sel = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            sel[i] = !special[i];
        }
        return sel;
    }

    /**
     * The span a match of token index at start covers once lstrip/rstrip take their whitespace,
     * packed as {@code start << 32 | end}; lstrip takes nothing before {@code from}.
     */
    long extent(String text, int from, int start, int index) {
        int s = start;
        if (lstrip[index]) {
            while (s > from && Character.isWhitespace(text.charAt(s - 1))) {
                s--;
            }
        }
        int e = start + tokens[index].length();
        if (rstrip[index]) {
            while (e < text.length() && Character.isWhitespace(text.charAt(e))) {
                e++;
            }
        }
        return ((long) s << 32) | e;
    }

    /** Flags, by index, of the special tokens for which include holds. */
    boolean[] select(java.util.function.Predicate<String> include) {
        boolean[] sel = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            sel[i] = special[i] && include.test(tokens[i]);
        }
        return sel;
    }

    static boolean any(boolean[] sel) {
        for (boolean b : sel) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /**
     * The earliest occurrence at or after from of a selected token, packed as {@code start << 32 | index},
     * or -1.
     */
    long find(String text, int from, boolean[] selected) {
        int n = text.length();
        if (commonFirst >= 0) {
            int p = text.indexOf(commonFirst, from);
            while (p >= 0) {
                int hit = matchAt(text, p, selected);
                if (hit >= 0) {
                    return ((long) p << 32) | hit;
                }
                p = text.indexOf(commonFirst, p + 1);
            }
            return -1;
        }
        for (int p = from; p < n; p++) {
            if (!firstChars.get(text.charAt(p))) {
                continue;
            }
            int hit = matchAt(text, p, selected);
            if (hit >= 0) {
                return ((long) p << 32) | hit;
            }
        }
        return -1;
    }

    private int matchAt(String text, int p, boolean[] selected) {
        for (int i = 0; i < tokens.length; i++) {
            if (selected[i] && text.startsWith(tokens[i], p) && (!singleWord[i] || isWholeWord(text, p, i))) {
                return i;
            }
        }
        return -1;
    }

    /** Hugging Face's single_word rule: no word character touches the match on either side. */
    private boolean isWholeWord(String text, int p, int index) {
        int end = p + tokens[index].length();
        return (p == 0 || !isWordChar(text.codePointBefore(p)))
                && (end == text.length() || !isWordChar(text.codePointAt(end)));
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
