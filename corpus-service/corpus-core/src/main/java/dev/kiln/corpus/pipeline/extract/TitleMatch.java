package dev.kiln.corpus.pipeline.extract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Does a heading repeat the page's title? Readability's measure: the heading's words that are not in
 * the title, as a share of the heading's characters, must stay under a quarter ("Obama admits US gun
 * laws are his 'biggest frustration'" against "Obama admits US gun laws are his 'biggest frustration'
 * - BBC News"). Words are runs of letters and digits in any script. One per page: the title's words
 * are split once, since every h1/h2 of the page is compared with them.
 */
final class TitleMatch {
    /** Share of the heading's characters that may be words the title lacks. */
    private static final double MAX_NEW = 0.25;

    private final Set<String> titleWords;
    private final int titleChars;

    TitleMatch(String title) {
        titleWords = new HashSet<>(words(title));
        int chars = 0;
        for (String w : titleWords) chars += w.length() + 1;
        titleChars = chars;
    }

    /**
     * Does the heading also hold most of the title: the story's headline rather than the site's name, which
     * a title like "copyranter: top 5 posts of the week" repeats too?
     */
    boolean coversMostOf(String heading) {
        int covered = 0;
        for (String w : new HashSet<>(words(heading))) if (titleWords.contains(w)) covered += w.length() + 1;
        return covered >= 0.5 * titleChars;
    }

    boolean duplicatedBy(String heading) {
        if (titleWords.isEmpty()) return false;
        int all = 0, fresh = 0;
        for (String w : words(heading)) {
            all += w.length() + 1;
            if (!titleWords.contains(w)) fresh += w.length() + 1;
        }
        return all > 0 && fresh < MAX_NEW * all;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        String l = s.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= l.length(); i++) {
            boolean word = i < l.length() && Character.isLetterOrDigit(l.charAt(i));
            if (word && start < 0) start = i;
            else if (!word && start >= 0) {
                out.add(l.substring(start, i));
                start = -1;
            }
        }
        return out;
    }
}
