package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.List;

/**
 * Link-dense blocks that are the post's own text by where they stand in it: the link-density limit
 * drops them as navigation, but a navigation box does not stand between a post's paragraphs. A whole
 * sentence that is mostly a link ("This week's new game is a quick, silly party game called Say
 * Anything.") between the article's first and last paragraphs of prose is one of its sentences; a list of
 * links the post's own paragraph introduces with a colon ("… the special issue holds these articles:"),
 * with the post's prose going on below it, is the post's list. A list of links that ends the post stays
 * dropped, however it is introduced: a further-reading list after a story is not the story. So do the
 * labelled teasers inside stories ("Read more: …", "Don't miss: …") and question headlines ("Is there a
 * link between …?").
 */
final class InlineLinks {
    private InlineLinks() {}

    /** A paragraph of the article: enough words, few of them links (as {@link ArticleTail} judges prose). */
    private static final int MIN_PROSE_WORDS = 25;

    private static final double MAX_PROSE_LINK_DENSITY = 0.2;

    /** Shortest linked sentence that is the article's: shorter ones are captions and calls to click. */
    private static final int MIN_SENTENCE_WORDS = 8;

    /** A teaser's label ("Read more:", "SEE ALSO:") stands within this many characters of its start. */
    private static final int MAX_LABEL_CHARS = 30;

    /** Shortest paragraph that introduces a list: "Previous interviews from the series:". */
    private static final int MIN_INTRO_WORDS = 4;

    /** Prose below an introduced list: a sentence's worth of words with few links. */
    private static final int MIN_TEXT_AFTER_WORDS = 12;

    /**
     * Keeps the linked sentences and introduced lists among the blocks the link-density limit dropped.
     *
     * @param linkDropped the blocks of the region that only their link density dropped
     */
    static void restore(List<Block> blocks, boolean[] keep, boolean[] linkDropped, ElementTable el) {
        int n = blocks.size();
        int firstProse = -1, lastProse = -1;
        // whether kept prose stands at or after each block, judged before anything is restored
        boolean[] textFrom = new boolean[n + 1];
        for (int k = n - 1; k >= 0; k--) {
            Block b = blocks.get(k);
            textFrom[k] = textFrom[k + 1] || keep[k] && b.words() >= MIN_TEXT_AFTER_WORDS && lowLinks(b);
            if (keep[k] && b.words() >= MIN_PROSE_WORDS && lowLinks(b)) {
                if (lastProse < 0) lastProse = k;
                firstProse = k;
            }
        }
        for (int k = firstProse + 1; k < lastProse; k++)
            if (linkDropped[k] && linkedSentence(blocks.get(k))) keep[k] = true;
        for (int k = 1; k < n; k++) {
            if (!keep[k - 1] || !intro(blocks.get(k - 1)) || !listed(blocks.get(k), linkDropped[k])) continue;
            int list = el.parent(blocks.get(k).element());
            int end = k;
            while (end < n
                    && listed(blocks.get(end), linkDropped[end])
                    && el.parent(blocks.get(end).element()) == list) end++;
            if (!textFrom[end]) continue;
            for (int j = k; j < end; j++) keep[j] = true;
            k = end - 1;
        }
    }

    private static boolean listed(Block b, boolean linkDropped) {
        return linkDropped && b.listItem() && b.element() >= 0;
    }

    private static boolean lowLinks(Block b) {
        return b.linkChars() < MAX_PROSE_LINK_DENSITY * b.length();
    }

    private static boolean linkedSentence(Block b) {
        if (b.heading() || b.listItem() || b.words() < MIN_SENTENCE_WORDS) return false;
        String t = b.text().strip();
        return Sentences.endsWhole(t) && !t.endsWith("?") && t.lastIndexOf(':', MAX_LABEL_CHARS) < 0;
    }

    /** The post's paragraph that announces the list below it. */
    private static boolean intro(Block b) {
        return !b.heading()
                && !b.listItem()
                && b.element() >= 0
                && b.words() >= MIN_INTRO_WORDS
                && b.text().strip().endsWith(":");
    }
}
