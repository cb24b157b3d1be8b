package dev.kiln.corpus.pipeline.extract;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Does a heading repeat the page's title? Readability's measure: the heading's words that are not in
 * the title, as a share of the heading's characters, must stay under a quarter ("Obama admits US gun
 * laws are his 'biggest frustration'" against "Obama admits US gun laws are his 'biggest frustration'
 * - BBC News"). Words are runs of letters and digits in any script.
 */
final class TitleMatch {
    private TitleMatch() {}

    /** Share of the heading's characters that may be words the title lacks. */
    private static final double MAX_NEW = 0.25;

    static boolean duplicates(String title, String heading) {
        Set<String> titleWords = new HashSet<>();
        for (String w : words(title)) titleWords.add(w);
        int all = 0, fresh = 0;
        for (String w : words(heading)) {
            all += w.length() + 1;
            if (!titleWords.contains(w)) fresh += w.length() + 1;
        }
        return all > 0 && fresh < MAX_NEW * all;
    }

    private static String[] words(String s) {
        String l =
                s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return l.isEmpty() ? new String[0] : l.split(" ");
    }
}
