package dev.kiln.corpus.pipeline.extract;

import java.util.List;

/**
 * Main-text extraction from HTML in one streaming pass, without building a DOM: {@link HtmlTokenizer}
 * lexes the markup, {@link TextBlockBuilder} gathers text into blocks and skips the subtrees that are
 * boilerplate by construction, {@link MainTextSelector} keeps the blocks of the main content.
 */
public final class HtmlMainText {
    private HtmlMainText() {}

    /** One extracted block of text. */
    public record Block(
            String text,
            int linkChars,
            boolean heading,
            boolean listItem,
            boolean inMain,
            int article,
            boolean inPageHeaderOrFooter,
            int box) {
        int length() {
            return text.length();
        }
    }

    /** The result: the main text and all blocks seen (with a keep flag), for inspection. */
    public record Result(String text, String title, List<Block> blocks, boolean[] kept) {}

    public static Result extract(String html, double maxLinkDensity) {
        TextBlockBuilder blocks = new TextBlockBuilder();
        HtmlTokenizer.tokenize(html, blocks);
        return MainTextSelector.select(blocks.finish(), maxLinkDensity);
    }
}
