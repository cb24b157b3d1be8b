package dev.kiln.corpus.pipeline.extract;

/**
 * What the boxes named for one line (a caption, a byline, a dateline) that a strict pass skipped held. A
 * caption describes one picture in a line or a paragraph, a byline names the author; yet a photo post's
 * author may write the post itself into the boxes beside the pictures, and a post pasted from a word
 * processor may sit inside the span its byline came in, several paragraphs of prose in one box. A strict
 * pass then keeps only the frames' labels or the lines around the post. {@link HtmlMainText} reads such a
 * page again with these boxes as text when they hold more than the pass kept.
 */
final class LineBoxes {
    /** Kinds of name ({@link BoilerplateNames#lineBox}): none, a caption box, a byline or dateline box. */
    static final int NONE = 0, CAPTION = 1, BYLINE = 2;

    /**
     * A caption holds prose when it has two paragraphs of at least 20 words: one picture's caption is a
     * paragraph at most, a news gallery's captions often over 40 words with their agency credit. A byline
     * holds prose with one paragraph of 40 words: it names the author in a few.
     */
    private static final int CAPTION_PROSE_WORDS = 20, CAPTION_PROSE_PARAGRAPHS = 2, BYLINE_PROSE_WORDS = 40;

    private long chars;
    private int runWords, boxParagraphs, kind;
    private boolean prose;

    /** A line-named box of this kind starts, outermost or nested: paragraphs count per innermost box. */
    void boxStarts(int kind) {
        this.kind = kind;
        runWords = 0;
        boxParagraphs = 0;
    }

    /** A text run inside a skipped line-named box; its link text counts for the paragraph, not for the chars. */
    void text(String html, int from, int to, boolean link) {
        boolean in = false;
        for (int i = from; i < to; i++) {
            boolean ws = Character.isWhitespace(html.charAt(i));
            if (!ws) {
                if (!link) chars++;
                if (!in) runWords++;
            }
            in = !ws;
        }
    }

    /** A block element or a line break inside a line-named box: the paragraph so far ends. */
    void paragraphEnds() {
        if (kind == BYLINE
                ? runWords >= BYLINE_PROSE_WORDS
                : runWords >= CAPTION_PROSE_WORDS && ++boxParagraphs >= CAPTION_PROSE_PARAGRAPHS) prose = true;
        runWords = 0;
    }

    /**
     * The unlinked characters (white space left out) of all skipped line-named boxes when one of them held
     * paragraphs of prose; 0 when none did, as in a gallery of one caption a picture.
     */
    long proseChars() {
        return prose ? chars : 0;
    }
}
