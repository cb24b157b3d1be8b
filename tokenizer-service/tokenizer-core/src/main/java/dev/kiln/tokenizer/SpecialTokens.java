package dev.kiln.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special tokens of an encoding and a search for their text in input.
 *
 * <p>The search looks only at chars that start some special token; all the built-in ones start with
 * '<', so it is one {@link String#indexOf(int, int)} per candidate. At one position the longest
 * matching token wins (tiktoken's alternation order there is a hash map's, i.e. unspecified).
 */
final class SpecialTokens {
    private final String[] tokens;
    private final int[] ids;
    private final Map<String, Integer> byName;
    private final Map<Integer, String> byId;
    /** The single first char all tokens share, or -1. */
    private final int commonFirst;

    private final java.util.BitSet firstChars = new java.util.BitSet();

    SpecialTokens(Map<String, Integer> specials) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(specials.entrySet());
        for (Map.Entry<String, Integer> e : entries) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("empty special token");
            }
        }
        // longest first, so the first hit at a position is the longest
        entries.sort(Comparator.comparingInt(
                        (Map.Entry<String, Integer> e) -> -e.getKey().length())
                .thenComparing(Map.Entry::getKey));
        tokens = new String[entries.size()];
        ids = new int[entries.size()];
        Map<String, Integer> names = new LinkedHashMap<>();
        Map<Integer, String> idMap = new LinkedHashMap<>();
        int first = entries.isEmpty() ? -1 : entries.get(0).getKey().charAt(0);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = entries.get(i).getKey();
            ids[i] = entries.get(i).getValue();
            names.put(tokens[i], ids[i]);
            if (idMap.put(ids[i], tokens[i]) != null) {
                throw new IllegalArgumentException("two special tokens share id " + ids[i]);
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

    Map<String, Integer> byName() {
        return byName;
    }

    String nameOf(int id) {
        return byId.get(id);
    }

    /** Flags, by index, of the tokens for which include holds. */
    boolean[] select(java.util.function.Predicate<String> include) {
        boolean[] sel = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            sel[i] = include.test(tokens[i]);
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
            if (selected[i] && text.startsWith(tokens[i], p)) {
                return i;
            }
        }
        return -1;
    }
}
