package dev.kiln.corpus.pipeline.extract;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Main-text extraction from HTML in one streaming pass, without building a DOM: {@link HtmlTokenizer}
 * lexes the markup, {@link TextBlockBuilder} gathers text into blocks and skips the subtrees that are
 * boilerplate by construction, {@link MainTextSelector} keeps the blocks of the main content.
 */
public final class HtmlMainText {
    private HtmlMainText() {}

    /**
     * One extracted block of text. {@code words} (runs of non-white-space characters) is counted once
     * here: the selector and the tail rules ask for it many times per block, and recounting was the
     * largest single cost of extraction (14% of samples).
     */
    public record Block(
            String text,
            int linkChars,
            boolean heading,
            boolean listItem,
            boolean inMain,
            int article,
            boolean inPageHeaderOrFooter,
            int box,
            int element,
            int words) {
        public Block(
                String text,
                int linkChars,
                boolean heading,
                boolean listItem,
                boolean inMain,
                int article,
                boolean inPageHeaderOrFooter,
                int box,
                int element) {
            this(
                    text,
                    linkChars,
                    heading,
                    listItem,
                    inMain,
                    article,
                    inPageHeaderOrFooter,
                    box,
                    element,
                    countWords(text));
        }

        int length() {
            return text.length();
        }

        private static int countWords(String text) {
            int w = 0;
            boolean in = false;
            for (int i = 0; i < text.length(); i++) {
                boolean ws = Character.isWhitespace(text.charAt(i));
                if (!ws && !in) w++;
                in = !ws;
            }
            return w;
        }
    }

    /** The result: the main text and all blocks seen (with a keep flag), for inspection. */
    public record Result(String text, String title, List<Block> blocks, boolean[] kept) {}

    /**
     * The main text. A page whose boxes named for a line (caption, byline) held paragraphs of prose, more
     * than the first pass kept, is read again with them as text (a photo post, {@link LineBoxes}).
     * Fallbacks, in order: the article in the page's JSON-LD when it is more than twice
     * as long as what the markup gave (script-rendered and paywalled pages); a second, lenient pass when
     * the first found under 500 characters and the lenient one finds more than twice as much (a
     * strongly named wrapper hid the article, or the whole page), or when the markup declares an
     * itemprop=articleBody the first pass never saw and the lenient pass finds it with half as much text or
     * more; for a page still empty, a lenient pass that also opens asides and banner landmarks (one of them
     * wrapped the article); any low-link-density text as the last resort, and on a page without any, its
     * headings.
     */
    public static Result extract(String html, double maxLinkDensity) {
        PageNames names = new PageNames();
        TextBlockBuilder.Blocks page = blocks(html, false, false, false, names);
        List<String> descriptions = MetaDescription.of(page.metaTags());
        Result r = MainTextSelector.select(page, descriptions, maxLinkDensity);
        if (page.lineBoxChars() > 0 && page.lineBoxChars() > distinctVisibleChars(r)) {
            // a photo post whose prose sits in the caption boxes beside its pictures, a post pasted into its
            // byline's span: what the pass kept is less than those boxes hold (lines repeated in every
            // picture's frame counted once)
            page = blocks(html, false, false, true, names);
            r = MainTextSelector.select(page, descriptions, maxLinkDensity);
        }
        String jsonLd = JsonLdArticle.body(page.jsonLd());
        if (jsonLd.length() > 2 * r.text().length() && jsonLd.length() >= MIN_JSON_LD_CHARS)
            return new Result(
                    jsonLd, r.title(), r.blocks(), new boolean[r.blocks().size()]);
        if (r.text().length() < RETRY_BELOW_CHARS) {
            Result lenient =
                    MainTextSelector.select(blocks(html, true, false, false, names), descriptions, maxLinkDensity);
            if (lenient.text().length() > RETRY_GAIN * r.text().length()) return lenient;
        } else if (page.declaresArticleBody() && !ContainerScorer.hasArticleBody(page.blocks(), page.elements())) {
            // the page marks its article body, but a strongly named wrapper ("share_wrapper") hid it; a body
            // under half of what the first pass found is the excerpt of a teaser card (a theme marking each
            // related post's blurb as its articleBody), hidden for its name, not the story
            TextBlockBuilder.Blocks all = blocks(html, true, false, false, names);
            if (ContainerScorer.hasArticleBody(all.blocks(), all.elements())) {
                Result declared = MainTextSelector.select(all, descriptions, maxLinkDensity);
                if (declared.text().length() >= MIN_DECLARED_SHARE * r.text().length()) return declared;
            }
        }
        if (!r.text().isEmpty()) return r;
        // only for a page still empty: an aside or a banner around the article is rarer than one beside it
        Result landmarks =
                MainTextSelector.select(blocks(html, true, true, false, names), descriptions, maxLinkDensity);
        if (!landmarks.text().isEmpty()) return landmarks;
        return MainTextSelector.anyProse(page, maxLinkDensity);
    }

    /**
     * A result this short may be what is left after a name hid the article (an unclosed "byline" box
     * around the story): the lenient pass is tried, as Readability retries with its filters relaxed
     * below 500 characters, and wins when it finds several times more text.
     */
    private static final int RETRY_BELOW_CHARS = 500;

    private static final int RETRY_GAIN = 2;

    /** Share of the first pass's text that an articleBody found only by the lenient pass must reach. */
    private static final double MIN_DECLARED_SHARE = 0.5;

    /** Shorter JSON-LD bodies are teasers (descriptions), not the article. */
    private static final int MIN_JSON_LD_CHARS = 200;

    /** The non-white-space characters of the result's kept blocks, each distinct text once. */
    private static long distinctVisibleChars(Result r) {
        Set<String> seen = new HashSet<>();
        long chars = 0;
        for (int k = 0; k < r.kept().length; k++) {
            String t = r.blocks().get(k).text();
            if (!r.kept()[k] || !seen.add(t)) continue;
            for (int i = 0; i < t.length(); i++) if (!Character.isWhitespace(t.charAt(i))) chars++;
        }
        return chars;
    }

    private static TextBlockBuilder.Blocks blocks(
            String html, boolean lenient, boolean landmarks, boolean lineBoxes, PageNames names) {
        TextBlockBuilder blocks = new TextBlockBuilder(lenient, landmarks, lineBoxes, names);
        HtmlTokenizer.tokenize(html, new ImpliedHeadEnd(blocks));
        return blocks.finish();
    }
}
