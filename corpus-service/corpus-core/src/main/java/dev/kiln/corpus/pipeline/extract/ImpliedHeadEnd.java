package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlTokenizer.StartTag;
import java.util.Set;

/**
 * Closes a {@code head} the markup left open, as an HTML5 parser does in its "in head" mode: the first
 * start tag of an element that has no place in a head ({@code body}, {@code p}, {@code table},
 * {@code font} ...) or the first non-blank text ends the head before it is passed on. Pages that never
 * write {@code </head>} (or lose it to a broken tag) are common enough among real news sites; without
 * this every block after the head would count as head content and the page would come out empty.
 * A second {@code head} start tag is dropped for the same reason, and a {@code title} that runs on
 * into the body (its end tag lost) ends at its first tag.
 */
final class ImpliedHeadEnd implements HtmlTokenizer.Handler {
    /** What HTML5 lets a head hold; anything else starts the body. */
    private static final Set<String> HEAD_CONTENT = Set.of(
            "base",
            "basefont",
            "bgsound",
            "link",
            "meta",
            "title",
            "noscript",
            "noframes",
            "style",
            "script",
            "template",
            "head",
            "html");

    private final HtmlTokenizer.Handler next;
    private boolean inHead, headSeen;
    private int boundaryFrom = Integer.MAX_VALUE, boundary = -1;

    ImpliedHeadEnd(HtmlTokenizer.Handler next) {
        this.next = next;
    }

    @Override
    public void text(String html, int from, int to) {
        if (inHead && !blank(html, from, to)) endHead();
        next.text(html, from, to);
    }

    @Override
    public void startTag(StartTag tag) {
        if (tag.name().equals("head")) {
            // a second head (pages pasted into pages) is ignored, as HTML5 ignores it: it would open a
            // head that the one end tag left over never closes
            if (headSeen) return;
            headSeen = inHead = true;
        } else bodyContent(tag);
        next.startTag(tag);
    }

    @Override
    public void endTag(String name) {
        if (name.equals("head")) inHead = false;
        else if (inHead && (name.equals("body") || name.equals("html"))) endHead();
        next.endTag(name);
    }

    @Override
    public int rawTextElement(StartTag tag, String html, int from, int to) {
        if (tag.name().equals("title")) {
            int end = unclosedTitleEnd(html, from, to);
            if (end >= 0) {
                // a title whose end tag the crawl lost ("<title>BBC news library-->"): HTML5 would make
                // the rest of the page its text and the page would come out empty; the title ends at
                // its first tag instead and the rest is markup again
                next.rawTextElement(tag, html, from, end);
                return end;
            }
        }
        bodyContent(tag);
        return next.rawTextElement(tag, html, from, to);
    }

    /**
     * Where a title that runs over the head's end and into the body should have ended; -1 if it did not.
     * A title that runs to the end of the input never met its end tag at all (the page was cut inside its
     * head, with no {@code </head>} or {@code <body>} written): any tag in it is the lost end.
     */
    private int unclosedTitleEnd(String html, int from, int to) {
        int lt = html.indexOf('<', from);
        if (lt < 0 || lt >= to) return -1;
        if (to == html.length()) return lt;
        return bodyOrHeadEnd(html, lt) < to ? lt : -1;
    }

    /**
     * The first {@code <body} or {@code </head} at or after {@code from}, or the input's length. Remembered:
     * titles cut short one after another ask again from further on, and each new search would be quadratic.
     */
    private int bodyOrHeadEnd(String html, int from) {
        if (from >= boundaryFrom && from <= boundary) return boundary;
        int at;
        for (at = html.indexOf('<', from); at >= 0; at = html.indexOf('<', at + 1))
            if (html.regionMatches(true, at, "<body", 0, 5) || html.regionMatches(true, at, "</head", 0, 6)) break;
        boundaryFrom = from;
        boundary = at < 0 ? html.length() : at;
        return boundary;
    }

    private void bodyContent(StartTag tag) {
        if (inHead && !HEAD_CONTENT.contains(tag.name())) endHead();
    }

    private void endHead() {
        inHead = false;
        next.endTag("head");
    }

    private static boolean blank(String html, int from, int to) {
        for (int i = from; i < to; i++) if (!Character.isWhitespace(html.charAt(i))) return false;
        return true;
    }
}
