package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A line that the kept text repeats word for word in many elements is a label of the page's template, not
 * the writer's: a photo blog's "mouseover photo to load notes" above every picture, a gallery's title on
 * every slide, "click to enlarge" under each image. Writers do not repeat a sentence five times; a
 * template repeats its labels once per item. List items (a recipe's steps, a spec list) and lines that share
 * their element with the next or the previous (code in a {@code pre}) are left alone, as are lines of a few words ("Pros:", "Yes", "Photo"),
 * which interviews and data lists repeat on purpose, and long ones, which are prose.
 */
final class RepeatedLabels {
    private RepeatedLabels() {}

    /** Fewer words are speaker names and table labels, which a text may repeat; more are prose, not a label. */
    private static final int MIN_WORDS = 4, MAX_WORDS = 20;

    /** Copies in distinct elements from which on a line is a label. */
    private static final int MIN_COPIES = 5;

    static void cut(List<Block> blocks, boolean[] keep) {
        Map<String, int[]> copies = null; // text -> {copies in distinct elements, last element}
        for (int k = 0; k < keep.length; k++) {
            Block b = blocks.get(k);
            if (!label(blocks, k, keep[k])) continue;
            if (copies == null) copies = new HashMap<>();
            int[] c = copies.computeIfAbsent(b.text(), t -> new int[] {0, Integer.MIN_VALUE});
            if (c[1] != b.element()) c[0]++;
            c[1] = b.element();
        }
        if (copies == null) return;
        for (int k = 0; k < keep.length; k++) {
            Block b = blocks.get(k);
            if (!label(blocks, k, keep[k])) continue;
            if (copies.get(b.text())[0] >= MIN_COPIES) keep[k] = false;
        }
    }

    /** A kept line of label length that is its element's only block (a code block's lines share theirs). */
    private static boolean label(List<Block> blocks, int k, boolean kept) {
        Block b = blocks.get(k);
        return kept
                && !b.listItem()
                && b.words() >= MIN_WORDS
                && b.words() <= MAX_WORDS
                && (k == 0 || blocks.get(k - 1).element() != b.element())
                && (k + 1 == blocks.size() || blocks.get(k + 1).element() != b.element());
    }
}
