package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The page's own summary of its article: the {@code <meta name="description">} (or {@code og:} / {@code
 * twitter:description}) a CMS fills from the article's standfirst. Where the page also shows that
 * summary as a paragraph above the article's body (a lead under the headline, set in the page's header
 * box, outside the article element or in a heading), the paragraph is the article's, whatever its box or
 * markup, as the gold article texts of the evaluation sets count it; Trafilatura and news extractors read
 * the same tag for the article's description.
 */
final class MetaDescription {
    private MetaDescription() {}

    /** A repeat shorter than this (letters and digits) is a tagline, not a summary. */
    private static final int MIN_MATCH_CHARS = 40;
    /** Share of the shorter of the two that must agree from the start (descriptions get cut at ~160 characters). */
    private static final double MIN_MATCH_SHARE = 0.9;
    /** Fewest words of a summary paragraph. */
    private static final int MIN_WORDS = 12;
    /** Most link text in a summary paragraph (an author's name linked in it). */
    private static final double MAX_LINK_DENSITY = 0.2;
    /**
     * Share of a summary's words that a paragraph retelling it must hold: editors shorten the standfirst
     * for the tag ("Wie viele Tage im Jahr dürfen …" becomes "Wie viele Tage dürfen …").
     */
    private static final double MIN_RETOLD_SHARE = 0.85;
    /** A paragraph longer than this many times the summary is more than its retelling. */
    private static final int MAX_RETOLD_LENGTH = 2;
    /** Blocks above the article's first kept block searched when the page's headline is unknown. */
    private static final int MAX_BLOCKS_ABOVE = 8;

    /**
     * The page's descriptions, normalised to their lower-case words (letters and digits) each once: a page
     * may give a short one to search engines and the standfirst to social networks.
     */
    static List<String> of(List<HtmlTokenizer.StartTag> metaTags) {
        List<String> out = List.of();
        for (HtmlTokenizer.StartTag tag : metaTags) {
            if (!described(tag.metaName()) && !described(tag.metaProperty()) || tag.metaContent() == null) continue;
            String d = words(HtmlTokenizer.unescape(tag.metaContent()));
            if (letters(d).length() < MIN_MATCH_CHARS || out.contains(d)) continue;
            if (out.isEmpty()) out = new ArrayList<>(2);
            out.add(d);
        }
        return out;
    }

    private static boolean described(String name) {
        if (name == null) return false;
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.equals("description") || n.equals("og:description") || n.equals("twitter:description");
    }

    /**
     * Keeps the paragraph that repeats or retells the description when it stands above the article's kept blocks
     * (from the headline on, or a few blocks up when the headline is unknown) or among them: the lead that
     * the container's choice or a name left out. Returns whether it kept one.
     */
    static boolean keepSummary(List<Block> blocks, boolean[] keep, List<String> descriptions, int headline) {
        if (descriptions.isEmpty()) return false;
        int first = -1, last = -1;
        for (int k = 0; k < keep.length; k++)
            if (keep[k]) {
                if (first < 0) first = k;
                last = k;
            }
        if (first < 0) return false;
        int from = headline >= 0 && headline <= first ? headline : Math.max(0, first - MAX_BLOCKS_ABOVE);
        for (int k = from; k < last; k++) {
            Block b = blocks.get(k);
            if (keep[k] || b.words() < MIN_WORDS || b.linkChars() > MAX_LINK_DENSITY * b.length()) continue;
            String text = words(b.text()), textLetters = letters(text);
            for (String d : descriptions)
                if (repeats(textLetters, letters(d)) || retells(text, d)) {
                    keep[k] = true;
                    return true;
                }
        }
        return false;
    }

    /** Do the two agree from their start over most of the shorter one? */
    static boolean repeats(String a, String b) {
        int n = Math.min(a.length(), b.length()), p = 0;
        while (p < n && a.charAt(p) == b.charAt(p)) p++;
        return p >= MIN_MATCH_CHARS && p >= MIN_MATCH_SHARE * n;
    }

    /**
     * Does the paragraph hold nearly every word of a summary of 12+ words, being at most twice its length?
     * A standfirst the tag shortened or reworded a little, in any language, not a paragraph that merely
     * shares the article's topic words.
     */
    static boolean retells(String paragraph, String summary) {
        String[] said = summary.split(" ");
        String[] told = paragraph.split(" ");
        if (said.length < MIN_WORDS || told.length > MAX_RETOLD_LENGTH * said.length) return false;
        Set<String> toldWords = new HashSet<>(List.of(told));
        int held = 0;
        for (String w : said) if (toldWords.contains(w)) held++;
        return held >= MIN_RETOLD_SHARE * said.length;
    }

    /** Lower-case words of letters and digits, one space between them. */
    static String words(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) out.append(Character.toLowerCase(c));
            else if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') out.append(' ');
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') end--;
        return out.substring(0, end);
    }

    /** Lower-case letters and digits only: dashes, quotes and spacing differ between the tag and the text. */
    static String letters(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }
}
