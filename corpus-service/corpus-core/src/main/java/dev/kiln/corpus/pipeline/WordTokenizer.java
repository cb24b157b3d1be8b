package dev.kiln.corpus.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in for datatrove's English {@code split_into_words} (NLTK's Treebank {@code word_tokenize}):
 * whitespace separates tokens; punctuation is split off words as its own token ("..." and "--" stay
 * one token); clitics are split as Treebank does ("don't" → "do" "n't", "it's" → "it" "'s");
 * hyphens, apostrophes-inside-names, and '.'/',' between digits stay inside a word.
 * It is an approximation: counts agree with NLTK on ordinary prose, may differ on exotic punctuation.
 */
public final class WordTokenizer {
    private WordTokenizer() {}

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp)
                || cp == '_'
                || Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
    }

    public static List<String> words(String text) {
        List<String> out = new ArrayList<>(Math.max(16, text.length() / 5));
        int n = text.length(), i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (PyText.isSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            if (isWordChar(cp)) {
                int start = i;
                i += Character.charCount(cp);
                while (i < n) {
                    int c = text.codePointAt(i);
                    if (isWordChar(c)) {
                        i += Character.charCount(c);
                        continue;
                    }
                    // joiners inside a word: hyphen, apostrophe, and . , between digits
                    if (i + 1 < n
                            && (c == '-'
                                    || c == '\''
                                    || c == '\u2019'
                                    || ((c == '.' || c == ',')
                                            && Character.isDigit(text.codePointBefore(i))
                                            && Character.isDigit(text.codePointAt(i + 1))))
                            && isWordChar(text.codePointAt(i + 1))) {
                        i += 1;
                        continue;
                    }
                    break;
                }
                addWithClitics(text.substring(start, i), out);
                continue;
            }
            // punctuation / symbols
            if (cp == '.' && text.startsWith("...", i)) {
                out.add("...");
                i += 3;
                while (i < n && text.charAt(i) == '.') i++;
                continue;
            }
            if (cp == '-' && text.startsWith("--", i)) {
                out.add("--");
                i += 2;
                continue;
            }
            out.add(new String(Character.toChars(cp)));
            i += Character.charCount(cp);
        }
        return out;
    }

    private static void addWithClitics(String w, List<String> out) {
        int n = w.length();
        if (n > 3) {
            String lw = w.toLowerCase(java.util.Locale.ROOT).replace('\u2019', '\'');
            if (lw.endsWith("n't")) {
                out.add(w.substring(0, n - 3));
                out.add(w.substring(n - 3));
                return;
            }
            for (String suf : new String[] {"'s", "'m", "'d", "'re", "'ve", "'ll"}) {
                if (lw.endsWith(suf) && n > suf.length()) {
                    out.add(w.substring(0, n - suf.length()));
                    out.add(w.substring(n - suf.length()));
                    return;
                }
            }
        }
        out.add(w);
    }
}
