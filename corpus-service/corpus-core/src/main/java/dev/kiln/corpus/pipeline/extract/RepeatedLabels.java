package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A line that the kept text repeats word for word in several elements is a label of the page's template, not
 * the writer's: a photo blog's "Mouseover photo to load notes" above every picture, a gallery's title under
 * every slide, a video teaser's title above and inside its player. A writer does not say the same short line
 * three times; a template repeats its labels once per item (Trafilatura drops text it has seen too often the
 * same way). Only lines written as a title or a sentence (a capital first, lower-case letters in it) of at most
 * {@link #MAX_WORDS} words, each copy its element's only block, count: code and shell sessions repeat their
 * lines ("$ hg push", "SELECT") and share their {@code pre} element between them, data tables repeat their
 * header cells, and list items (a recipe's steps, a spec list) repeat on purpose.
 */
final class RepeatedLabels {
    private RepeatedLabels() {}

    /** More words are prose, not a label. */
    private static final int MAX_WORDS = 20;

    /** Copies in distinct elements from which on a line is a label. */
    private static final int MIN_COPIES = 3;

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

    /** A kept, title-like line of label length that is its element's only block and no list item or table row. */
    private static boolean label(List<Block> blocks, int k, boolean kept) {
        Block b = blocks.get(k);
        return kept
                && !b.listItem()
                && b.words() <= MAX_WORDS
                && (k == 0 || blocks.get(k - 1).element() != b.element())
                && (k + 1 == blocks.size() || blocks.get(k + 1).element() != b.element())
                && titleLike(b.text());
    }

    private static boolean titleLike(String t) {
        if (t.isEmpty() || !Character.isUpperCase(t.charAt(0)) || t.indexOf('|') >= 0) return false;
        for (int i = 1; i < t.length(); i++) if (Character.isLowerCase(t.charAt(i))) return true;
        return false;
    }
}
