package dev.kiln.corpus.pipeline.extract;

/**
 * What the caption-named boxes that a strict pass skipped held. A caption describes one picture in a
 * line or a paragraph; a photo post's author may write the post itself into the boxes beside the pictures,
 * several paragraphs of prose in one box, and a strict pass then keeps only the frames' labels. {@link
 * HtmlMainText} reads such a page again with caption boxes as text when they hold more than the pass kept.
 */
final class CaptionBoxes {
    /** A paragraph of at least this many words is prose, longer than the credit lines galleries repeat. */
    private static final int PROSE_WORDS = 20;

    /** Paragraphs of prose in one box from which on it holds the post's text, not a caption. */
    private static final int PROSE_PARAGRAPHS = 2;

    private long chars;
    private int runWords, boxParagraphs;
    private boolean prose;

    /** A caption-named box starts, outermost or nested. */
    void boxStarts() {
        runWords = 0;
        boxParagraphs = 0;
    }

    /** A text run inside a skipped caption box; its link text counts for the paragraph, not for the chars. */
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

    /** A block element or a line break inside a caption box: the paragraph so far ends. */
    void paragraphEnds() {
        if (runWords >= PROSE_WORDS && ++boxParagraphs >= PROSE_PARAGRAPHS) prose = true;
        runWords = 0;
    }

    /**
     * The unlinked characters (white space left out) of all skipped caption boxes when one of them held
     * paragraphs of prose; 0 when none did, as in a gallery of one caption a picture.
     */
    long proseChars() {
        return prose ? chars : 0;
    }
}
