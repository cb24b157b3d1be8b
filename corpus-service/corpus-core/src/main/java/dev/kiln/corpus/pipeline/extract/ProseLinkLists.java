package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.List;

/**
 * A list of links that the post's own text surrounds: kept text of the list's container after it, and
 * before it kept text of the container or the lines beside the container (the post's headline and
 * byline above its body), as a blogger's round-up of
 * links ("the week's reading: …, plus …") or the list of the papers an issue holds stands in the middle
 * of the post. A menu or a related-stories box stands beside the text or after its end, in a container
 * of its own; a list followed by more of its own container's text is the text's, whatever its links.
 */
final class ProseLinkLists {
    private ProseLinkLists() {}

    /**
     * Words a dropped item has on average from which on it is a title (an article's, a paper's): a
     * toolbar's or tag list's items are a word or two ("Email", "Reprints", "Digg This").
     */
    private static final int MIN_TITLE_WORDS = 4;

    /**
     * Keeps the items of each such list that the link-density limit dropped.
     *
     * @param linkDropped the list items of the region that the link-density limit dropped
     */
    static void keep(List<Block> blocks, boolean[] keep, boolean[] linkDropped, ElementTable elements) {
        int nb = blocks.size();
        for (int k = 0; k < nb; ) {
            if (!linkDropped[k] || blocks.get(k).element() < 0) {
                k++;
                continue;
            }
            int list = elements.parent(blocks.get(k).element()), first = k, last = k, dropped = 0, words = 0;
            // the whole list: its items kept for their own text stand between dropped ones
            while (first > 0 && item(blocks.get(first - 1), list, elements)) first--;
            while (last + 1 < nb && item(blocks.get(last + 1), list, elements)) last++;
            for (int j = first; j <= last; j++)
                if (linkDropped[j]) {
                    dropped++;
                    words += blocks.get(j).words() - 1; // the item's "- "
                }
            int before = first - 1, after = last + 1;
            while (before >= 0 && !keep[before]) before--;
            while (after < nb && !keep[after]) after++;
            int container = list < 0 ? -1 : elements.parent(list);
            if (dropped >= 2
                    && words >= MIN_TITLE_WORDS * dropped
                    && container >= 0
                    && before >= 0
                    && after < nb
                    && (within(blocks.get(before), container, elements)
                            || blocks.get(before).element() >= 0
                                    && elements.parent(blocks.get(before).element()) == elements.parent(container))
                    && within(blocks.get(after), container, elements))
                for (int j = first; j <= last; j++) keep[j] |= linkDropped[j];
            k = last + 1;
        }
    }

    private static boolean item(Block b, int list, ElementTable elements) {
        return b.listItem() && b.element() >= 0 && elements.parent(b.element()) == list;
    }

    /** A block of the container's own text: the container's or one of its children's. */
    private static boolean within(Block b, int container, ElementTable elements) {
        return b.element() == container || b.element() >= 0 && elements.parent(b.element()) == container;
    }
}
