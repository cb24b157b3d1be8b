package dev.kiln.corpus.pipeline.extract;

/** Where a block's text stands as prose. */
final class Sentences {
    private Sentences() {}

    /**
     * Whether the text ends a whole sentence: its last character past closing quotes and brackets is a
     * full stop, question or exclamation mark (Latin or CJK). An ellipsis is not one: a teaser's blurb is
     * cut off with it ("…", "..."), an article's paragraph is not.
     */
    static boolean endsWhole(String t) {
        int i = t.length() - 1;
        while (i >= 0 && closing(t.charAt(i))) i--;
        if (i < 0) return false;
        char c = t.charAt(i);
        if (c == '.') return i < 2 || t.charAt(i - 1) != '.' || t.charAt(i - 2) != '.';
        return c == '!' || c == '?' || c == '。' || c == '！' || c == '？';
    }

    private static boolean closing(char c) {
        return c == '"' || c == '\'' || c == '”' || c == '’' || c == ')' || c == '»';
    }
}
