package dev.kiln.corpus.pipeline.filters;

import java.util.Set;

/**
 * A small sentence counter standing in for NLTK's punkt (used by datatrove's C4 filter): a sentence
 * ends at '.', '!' or '?' (plus closing quotes/brackets) followed by whitespace and then something that
 * is not a lowercase letter, or at the end of the line. Common abbreviations (Mr., e.g., …) do not end one.
 */
final class Sentences {
    private Sentences() {}

    private static final Set<String> ABBREV = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "no",
            "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "mt",
            "gen", "gov", "sen", "rep", "approx", "cf");

    static int count(String line) {
        int n = line.length();
        int sentences = 0;
        boolean content = false;
        int wordStart = 0;
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                wordStart = i + 1;
                continue;
            }
            if (c == '.' || c == '!' || c == '?') {
                int j = i + 1;
                while (j < n
                        && (line.charAt(j) == '.'
                                || line.charAt(j) == '!'
                                || line.charAt(j) == '?'
                                || line.charAt(j) == '"'
                                || line.charAt(j) == '\''
                                || line.charAt(j) == ')'
                                || line.charAt(j) == '\u201D'
                                || line.charAt(j) == '\u2019')) j++;
                boolean end = j >= n;
                if (!end && Character.isWhitespace(line.charAt(j))) {
                    int k = j;
                    while (k < n && Character.isWhitespace(line.charAt(k))) k++;
                    end = k >= n || !Character.isLowerCase(line.charAt(k));
                }
                if (end && c == '.') {
                    String w = line.substring(wordStart, i).toLowerCase(java.util.Locale.ROOT);
                    if (ABBREV.contains(w) || (w.length() == 1 && Character.isLetter(w.charAt(0)))) end = j >= n;
                }
                if (end && content) {
                    sentences++;
                    content = false;
                }
                i = j - 1;
                continue;
            }
            if (Character.isLetterOrDigit(c)) content = true;
        }
        if (content) sentences++;
        return sentences;
    }
}
