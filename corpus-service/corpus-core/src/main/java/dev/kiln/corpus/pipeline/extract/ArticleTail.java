package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.List;
import java.util.Locale;

/**
 * Related-link, teaser and comment sections, post metadata, datelines and pleas inside the article's
 * own container. Sites put "More on this", "Read more", "Explore further" or "Comments" sections inside
 * the element that holds the article, often without a class name that says so; what does say so is
 * the section's title, a short line in the page's language ({@link TailLines}; Trafilatura and
 * boilerpipe cut the same sections, by XPath names and by a terminating-block list), or its shape. A
 * teaser box's title and the links and short lines after it go, up to the next paragraph of prose or
 * whole sentence; a comment section goes from its title once the article's prose has begun (a blog's
 * "107 Responses to “<post title>”" and trackback sections too), or, untitled, from the first of its
 * date stamps, "Posted by … on <date>" lines and reply buttons, once it follows most of the article and
 * the stamps stand between comments (a schedule's dates stand between places and hours). Lists of other stories go by their shape, whatever their language: runs
 * of teaser cards (a linked headline and a one-paragraph blurb) and runs of dated link lines. Post-metadata lines, datelines and bylines
 * ({@link Dateline}), photo credits, ad and share labels and pleas go wherever they stand; short
 * link-dense lines go before the article's first paragraph of prose (unless they are a whole sentence:
 * its lead) and after its last (jusText's link-density class, by position); the author's note goes
 * past half of the article and after its last paragraph of prose (before it, "X is the executive
 * producer of …" describes someone in the story). A lone teaser card that ends in a "read more" link goes
 * too.
 *
 * <p>Over 400 lines on purpose: each cut is a few lines and they share the shape tests of one block
 * (prose, whole sentence, linked headline, blurb) and the article's prose span; split apart, each part
 * would need them all again.
 */
final class ArticleTail {
    private ArticleTail() {}

    /** Word limits: a section title, a post metadata line, a caption, a block judged by its plea; prose from. */
    private static final int MAX_TITLE_WORDS = 6,
            MAX_META_WORDS = 20,
            MAX_CAPTION_WORDS = 30,
            MAX_PLEA_WORDS = 40,
            MAX_BIO_WORDS = 80,
            MIN_PROSE_WORDS = 25,
            MIN_SENTENCE_WORDS = 12;
    /** Whitespace-separated words of a line that may be a dateline, separators such as "|" included. */
    private static final int MAX_STAMP_WORDS = 2 * Dateline.MAX_WORDS;
    /** Share of link text from which a short block is a link line (the step's limit is for all blocks). */
    private static final double MAX_SHORT_LINK_DENSITY = 0.3;
    /** Share of link text under which a whole sentence is the article's, not a link line. */
    private static final double MAX_SENTENCE_LINK_DENSITY = 0.5;
    /** A commenter's name above the first stamp. */
    private static final int MAX_NAME_WORDS = 3;
    /** Date stamps and reply buttons in the tail that make it a comment section. */
    private static final int MIN_COMMENT_STAMPS = 3;
    /** Comments start only after this share of the kept text: a title near the top opens the article. */
    private static final double MIN_ARTICLE_SHARE = 0.5;
    /** Longest comment-section title: "Comments are now closed for this story". */
    private static final int MAX_COMMENT_TITLE_WORDS = 8;
    /** Longest "N Responses to “<the post's title>”" line: the post's title is in it. */
    private static final int MAX_RESPONSES_TITLE_WORDS = 25;
    /** A teaser card: a linked headline of at most this many words and a blurb of at most this many. */
    private static final int MAX_CARD_HEADLINE_WORDS = 15, MIN_CARD_BLURB_WORDS = 8, MAX_CARD_BLURB_WORDS = 50;
    /** Linked lines above a card's blurb: its headline, and a section's title above the first card. */
    private static final int MAX_CARD_HEADLINES = 3;
    /** Share of link text that makes a short block a linked headline. */
    private static final double MIN_HEADLINE_LINK_DENSITY = 0.6;
    /** Cards in a row that make a list of other stories. */
    private static final int MIN_CARDS = 3;
    /** Numbered slides ("1/50 …", "2/50 …") in a row that make a photo gallery. */
    private static final int MIN_SLIDES = 3;
    /** A dated teaser line: a headline and its date. Runs of this many in a row are a list of stories. */
    private static final int MAX_DATED_TEASER_WORDS = 15, MIN_DATED_TEASERS = 3;

    /**
     * Unkeeps teaser boxes, the comment section and the boilerplate lines inside the article's blocks.
     *
     * @param headline the index of the first block after the page's dropped headline, -1: none
     */
    static void cut(List<Block> blocks, boolean[] keep, int headline) {
        beforeHeadline(blocks, keep, headline);
        long total = 0;
        for (int k = 0; k < keep.length; k++)
            if (keep[k]) total += blocks.get(k).length();
        // the article's prose spans these blocks; link lines outside the span are its head and tail
        int firstProse = -1, lastProse = -1, lastSentence = -1;
        for (int k = 0; k < keep.length; k++) {
            if (!keep[k]) continue;
            Block b = blocks.get(k);
            if (prose(b)) {
                if (firstProse < 0) firstProse = k;
                lastProse = k;
            }
            if (sentence(b)) lastSentence = k;
        }
        int comments = commentRun(blocks, keep, total);
        if (comments >= 0) for (int j = comments; j < keep.length; j++) keep[j] = false;
        datedTeaserRuns(blocks, keep);
        teaserCards(blocks, keep);
        moreLinkCards(blocks, keep, firstProse);
        galleries(blocks, keep);
        long before = 0;
        for (int k = 0; k < keep.length; k++) {
            if (!keep[k]) continue;
            Block b = blocks.get(k);
            int words = b.words();
            // a title spaced out letter by letter ("R E L A T E D") counts its letters as words
            String title =
                    words <= MAX_COMMENT_TITLE_WORDS || b.length() < 2 * words ? TailLines.title(b.text()) : null;
            int titleWords = title == null ? words : TailLines.words(title);
            if ((titleWords <= MAX_COMMENT_TITLE_WORDS && TailLines.commentTitle(title)
                            || words <= MAX_RESPONSES_TITLE_WORDS && TailLines.responsesTitle(b.text()))
                    && (before >= MIN_ARTICLE_SHARE * total || k > firstProse && firstProse >= 0)) {
                for (int j = k; j < keep.length; j++) keep[j] = false;
                return;
            }
            if (titleWords <= MAX_TITLE_WORDS) {
                // the author's box, and whatever the page put after it, once most of the article is behind
                if (before >= MIN_ARTICLE_SHARE * total && TailLines.authorBoxTitle(title)) {
                    for (int j = k; j < keep.length; j++) keep[j] = false;
                    return;
                }
                if (TailLines.label(title)) {
                    keep[k] = false;
                    continue;
                }
                if (TailLines.teaserTitle(title)) {
                    keep[k] = false;
                    // up to the next prose or sentence, or the comment section's title, which the next turn judges
                    for (int j = k + 1;
                            j < keep.length
                                    && !prose(blocks.get(j))
                                    && !sentence(blocks.get(j))
                                    && !commentTitle(blocks.get(j));
                            j++) keep[j] = false;
                    continue;
                }
            }
            String lower = words <= MAX_PLEA_WORDS ? b.text().toLowerCase(Locale.ROOT) : "";
            if (words <= MAX_META_WORDS && TailLines.metaLine(lower)
                    || words <= MAX_PLEA_WORDS && TailLines.plea(lower)
                    || words <= MAX_CAPTION_WORDS && TailLines.credit(lower)
                    // a stamp's bars count as words here ("PUBLISHED: 15:39, Tue, Oct 24, 2017 | UPDATED: …"):
                    // the dateline test counts its own words between them
                    || words <= MAX_STAMP_WORDS && Dateline.isDateline(b.text())
                    || Dateline.isByline(b.text(), b.heading())
                    || k > lastProse && words <= 2 && agencySignature(b.text())
                    || (k < firstProse || k > lastProse)
                            && linkDense(b, words)
                            && !((k < firstProse || k < lastSentence) && linkedSentence(b, words))
                    || words <= MAX_BIO_WORDS
                            && before >= MIN_ARTICLE_SHARE * total
                            && k >= lastProse
                            && TailLines.authorBio(b.text())) keep[k] = false;
            before += b.length();
        }
    }

    /**
     * Where an untitled comment section starts: the first of at least {@link #MIN_COMMENT_STAMPS}
     * datelines or "Reply" buttons past {@link #MIN_ARTICLE_SHARE} of the article's text (each comment
     * carries its author's date stamp; the article has one, at its head). -1: none.
     */
    private static int commentRun(List<Block> blocks, boolean[] keep, long total) {
        long before = 0;
        int first = -1, stamps = 0;
        for (int k = 0; k < keep.length; k++) {
            if (!keep[k]) continue;
            Block b = blocks.get(k);
            if (before >= MIN_ARTICLE_SHARE * total) {
                String t = b.text();
                int words = b.words();
                boolean stamp = commentStamp(t, words);
                if (stamp && stamps++ == 0) first = k;
            }
            before += b.length();
        }
        if (stamps < MIN_COMMENT_STAMPS) return -1;
        // comments say something: a schedule's dates stand between addresses and times, not between sentences
        int bodies = 0;
        for (int k = first; k < keep.length; k++)
            if (keep[k]
                    && blocks.get(k).words() >= MIN_SENTENCE_WORDS
                    && !commentStamp(blocks.get(k).text(), blocks.get(k).words())) bodies++;
        if (bodies < MIN_COMMENT_STAMPS - 1) return -1;
        // the first commenter's name, on its own line above the stamp
        int name = first - 1;
        while (name >= 0 && !keep[name]) name--;
        return name >= 0 && !blocks.get(name).heading() && blocks.get(name).words() <= MAX_NAME_WORDS ? name : first;
    }

    private static boolean commentStamp(String text, int words) {
        return words <= MAX_TITLE_WORDS && TailLines.replyLabel(text)
                || words <= Dateline.MAX_WORDS && Dateline.isDateline(text)
                || words <= MAX_META_WORDS && TailLines.commentStamp(text.toLowerCase(Locale.ROOT));
    }

    /**
     * Unkeeps each run of at least {@link #MIN_DATED_TEASERS} consecutive short, link-heavy blocks that
     * carry a date: a list of other stories with their dates ("Savage Completes Derby Move (Wednesday
     * January 9 2008)"), an archive or a "latest posts" box, whatever its language. An article's own
     * dated lines (a timeline, a log excerpt, "ab 1. Januar 2023 für …") are not links.
     */
    private static void datedTeaserRuns(List<Block> blocks, boolean[] keep) {
        int runStart = -1, run = 0;
        for (int k = 0; k <= keep.length; k++) {
            if (k < keep.length && !keep[k]) continue;
            Block b = k < keep.length ? blocks.get(k) : null;
            boolean dated = b != null
                    && !b.heading()
                    && b.linkChars() >= MAX_SHORT_LINK_DENSITY * b.length()
                    && b.words() <= MAX_DATED_TEASER_WORDS
                    && Dateline.hasDate(b.text());
            if (dated) {
                if (run++ == 0) runStart = k;
                continue;
            }
            if (run >= MIN_DATED_TEASERS) for (int j = runStart; j < k; j++) keep[j] = false;
            run = 0;
        }
    }

    /**
     * Unkeeps the blurbs of each run of at least {@link #MIN_CARDS} teaser cards: a linked headline (or
     * three: a section's linked title and its "more" link above the first) and exactly one short paragraph without links,
     * then the next card's headline ("Manitoba insurer urged to consider …" / "Environmentalists in
     * Manitoba are urging …"). The headlines went already as links; their blurbs read like prose, so the
     * shape is what gives them away, in any language. An article's own paragraphs do not each follow a
     * linked headline.
     */
    private static void teaserCards(List<Block> blocks, boolean[] keep) {
        int n = blocks.size();
        for (int k = 0; k < n; ) {
            if (!linkedHeadline(blocks.get(k))) {
                k++;
                continue;
            }
            int j = k, cards = 0, firstBlurb = -1;
            while (true) {
                int headlines = 0;
                while (j < n && linkedHeadline(blocks.get(j))) {
                    j++;
                    headlines++;
                }
                // more linked lines in a row are a menu, not a card's headline
                if (headlines > MAX_CARD_HEADLINES || j >= n || !blurb(blocks.get(j))) break;
                if (cards++ == 0) firstBlurb = j;
                j++;
                if (j >= n || !linkedHeadline(blocks.get(j))) break;
            }
            if (cards >= MIN_CARDS) for (int x = firstBlurb; x < j; x++) keep[x] = false;
            k = Math.max(j, k + 1);
        }
    }

    /**
     * Unkeeps the blurb of a lone teaser card: a short paragraph under a heading or a linked headline
     * (with at most a date or byline between) that ends in a "read more" link, standing below or closing
     * it ("Continue reading", "mehr: <headline>", "… Weiterlesen"). The link sends the reader to the page
     * where that story is, so the blurb is another page's summary: a single card of a list, a promotion
     * beside the article. Runs of cards without the link are {@link #teaserCards}. The article's own lead,
     * which an expander's "Read more" may follow, is its first paragraph of prose and stays.
     */
    private static void moreLinkCards(List<Block> blocks, boolean[] keep, int firstProse) {
        for (int k = 1; k < keep.length; k++) {
            Block b = blocks.get(k);
            if (b.linkChars() == 0) continue;
            boolean closing =
                    keep[k] && b.words() <= MAX_CARD_BLURB_WORDS && TailLines.endsWithMoreLink(b.text(), b.linkChars());
            int blurb = closing ? k : k - 1;
            if (blurb <= firstProse || !keep[blurb] || !cardBlurb(blocks.get(blurb), closing)) continue;
            // last: every menu line is a short link line, but few follow a kept blurb
            if (!closing && !moreLine(b)) continue;
            boolean head = false;
            for (int j = blurb - 1; j >= 0 && j >= blurb - MAX_CARD_HEADLINES && !head; j--)
                head = blocks.get(j).heading() || linkedHeadline(blocks.get(j));
            if (head) keep[blurb] = false;
        }
    }

    /** A line that is a "read more" link: "Continue reading", "Mehr erfahren", "mehr: <headline>". */
    private static boolean moreLine(Block b) {
        return b.words() <= MAX_CARD_HEADLINE_WORDS
                && b.linkChars() >= MIN_HEADLINE_LINK_DENSITY * b.length()
                && TailLines.moreLinkLine(b.text());
    }

    /** A card's blurb: a short paragraph, its links at most the closing "read more". */
    private static boolean cardBlurb(Block b, boolean closing) {
        return !b.heading()
                && b.words() <= MAX_CARD_BLURB_WORDS
                && (closing || b.linkChars() < MAX_SHORT_LINK_DENSITY * b.length());
    }

    /**
     * Unkeeps photo galleries: at least {@link #MIN_SLIDES} blocks opening with consecutive slide
     * counters of one total ("1/50 United goin down", "2/50 Star Wars boosts economy") and the captions between
     * them, up to the caption after the last counter (one no longer than the earlier slides' blocks). Any
     * language numbers its slides the same way.
     */
    private static void galleries(List<Block> blocks, boolean[] keep) {
        int n = blocks.size();
        for (int k = 0; k < n; k++) {
            long first = slide(blocks.get(k).text());
            if (first < 0 || total(first) < MIN_SLIDES) continue;
            int slides = 1, last = k;
            for (int j = k + 1; j < n && j - last <= 3; j++)
                if (slide(blocks.get(j).text()) == first + slides) { // the next slide of the same gallery
                    slides++;
                    last = j;
                }
            if (slides < MIN_SLIDES) continue;
            // the block after the last counter is the last slide's caption when it is no longer than the blocks
            // the earlier slides hold; a slide show whose captions the page hid (only its counters and "left" /
            // "right" buttons are text) is followed by the article's first paragraph instead
            int between = 0;
            for (int j = k + 1; j < last; j++)
                between = Math.max(between, blocks.get(j).words());
            int end = last + 1 < n && blocks.get(last + 1).words() <= between ? last + 1 : last;
            for (int j = k; j <= end; j++) keep[j] = false;
            k = end;
        }
    }

    /**
     * A block's opening slide counter "i/N " as {@code (N << 32) + i}, so that the next slide of one
     * gallery is the value plus one; -1 when the block opens with none ("1/4 cup sugar" and "24/7" are
     * no run: the counters of a gallery go up one by one).
     */
    private static long slide(String t) {
        int i = 0, len = t.length();
        while (i < len && i < 4 && Character.isDigit(t.charAt(i))) i++;
        if (i == 0 || i >= len || t.charAt(i) != '/') return -1;
        int slash = i++;
        int start = i;
        while (i < len && i - start < 4 && Character.isDigit(t.charAt(i))) i++;
        if (i == start || i < len && t.charAt(i) != ' ') return -1;
        int slide = Integer.parseInt(t, 0, slash, 10), total = Integer.parseInt(t, start, i, 10);
        return slide >= 1 && slide <= total ? ((long) total << 32) + slide : -1;
    }

    private static int total(long slide) {
        return (int) (slide >>> 32);
    }

    private static boolean linkedHeadline(Block b) {
        // the link share first: it is free, and most blocks fail it before their words are counted
        return b.linkChars() >= MIN_HEADLINE_LINK_DENSITY * b.length() && b.words() <= MAX_CARD_HEADLINE_WORDS;
    }

    private static boolean blurb(Block b) {
        int words = b.words();
        // a title spaced out letter by letter ("R E A D E R  C O M M E N T S") is no blurb
        return !b.heading()
                && b.length() >= 2 * words
                && words >= MIN_CARD_BLURB_WORDS
                && words <= MAX_CARD_BLURB_WORDS
                && b.linkChars() < MAX_SHORT_LINK_DENSITY * b.length();
    }

    /**
     * A short block that is mostly link text and not a list item: a "read more at", "follow us on"
     * or "see also" line, the way jusText marks link-dense blocks bad. Judged only before the
     * article's first paragraph of prose and after its last: between them a sentence with links is
     * the article's own (a film review's "streaming on Netflix and Hulu"). Lists of links stay: in the
     * article's container they are its references and further reading.
     */
    private static boolean linkDense(Block b, int words) {
        return !b.listItem() && words < MIN_PROSE_WORDS && b.linkChars() >= MAX_SHORT_LINK_DENSITY * b.length();
    }

    /**
     * A whole sentence with a few links in it above the article's first paragraph of prose: its lead
     * ("Posted this morning #145 of the Startup Success Podcast - which was show #52 from January,
     * 2010."), where a link line is a title, a name or a breadcrumb, not a dozen words ending in a full
     * stop with most of them plain text. After the article's last paragraph such sentences are its
     * cross-links and pleas ("Dies ist Teil 2 zum Text …", "Puede escribirnos a …") and go.
     */
    private static boolean linkedSentence(Block b, int words) {
        return words >= MIN_SENTENCE_WORDS
                && b.linkChars() < MAX_SENTENCE_LINK_DENSITY * b.length()
                && Sentences.endsWhole(b.text());
    }

    /**
     * Site names, "Do More With Reuters", registration pleas: short lines above the headline inside the
     * article's container. A standfirst there is a whole sentence and stays. Only when the article's
     * prose follows the headline and none stands above it: a headline below the article's prose is another
     * story's.
     */
    private static void beforeHeadline(List<Block> blocks, boolean[] keep, int headline) {
        if (headline <= 0) return;
        boolean proseAfter = false;
        for (int k = headline; k < keep.length && !proseAfter; k++) proseAfter = keep[k] && prose(blocks.get(k));
        if (!proseAfter) return;
        for (int k = 0; k < headline && k < keep.length; k++) if (keep[k] && prose(blocks.get(k))) return;
        for (int k = 0; k < headline && k < keep.length; k++) {
            Block b = blocks.get(k);
            if (keep[k] && b.words() < MIN_PROSE_WORDS && !sentence(b)) keep[k] = false;
        }
    }

    /**
     * The initials of the desk and the agency that sign a wire story at its end ("aja/PAP", "mho/dpa",
     * "AFP/Reuters"): short letter runs joined by slashes, alone on their line.
     */
    static boolean agencySignature(String text) {
        String t = text.strip();
        if (t.length() > 24 || t.indexOf('/') < 0) return false;
        for (String part : t.split("/", -1)) {
            String p = part.strip();
            if (p.startsWith("(")) p = p.substring(1);
            if (p.endsWith(")")) p = p.substring(0, p.length() - 1);
            if (p.length() < 2 || p.length() > MAX_SIGNATURE_LETTERS) return false;
            for (int i = 0; i < p.length(); i++) if (!Character.isLetter(p.charAt(i))) return false;
        }
        return true;
    }

    /** Longest part of an agency signature: "Reuters". */
    private static final int MAX_SIGNATURE_LETTERS = 8;

    /** A paragraph of the article: enough words, few of them links. */
    private static boolean prose(Block b) {
        return b.words() >= MIN_PROSE_WORDS && b.linkChars() < 0.2 * b.length();
    }

    /**
     * A whole sentence without links: a short paragraph of the article (a news lead), where a teaser box's
     * items are links and its blurbs are cut off ("…").
     */
    private static boolean sentence(Block b) {
        if (b.linkChars() > 0 || b.words() < MIN_SENTENCE_WORDS) return false;
        return Sentences.endsWhole(b.text());
    }

    private static boolean commentTitle(Block b) {
        return b.words() <= MAX_TITLE_WORDS && TailLines.commentTitle(TailLines.title(b.text()));
    }
}
