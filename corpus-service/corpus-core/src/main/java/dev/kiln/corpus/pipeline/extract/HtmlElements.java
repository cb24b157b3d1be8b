package dev.kiln.corpus.pipeline.extract;

import java.util.Set;

/** The HTML elements that {@link TextBlockBuilder} treats specially: void elements and block boundaries. */
final class HtmlElements {
    private HtmlElements() {}

    /** Elements that never have content or an end tag. */
    static final Set<String> VOID = Set.of(
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
            "wbr", "keygen", "frame");
    /** Elements whose start or end ends the current block of text. */
    static final Set<String> BLOCK = Set.of(
            "p",
            "div",
            "section",
            "article",
            "main",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "table",
            "tr",
            "td",
            "th",
            "thead",
            "tbody",
            "tfoot",
            "pre",
            "blockquote",
            "figure",
            "figcaption",
            "hr",
            "br",
            "address",
            "details",
            "summary",
            "caption",
            "header",
            "footer",
            "body",
            "html",
            "form",
            "fieldset",
            "legend",
            "center",
            "hgroup",
            "output",
            "aside",
            "nav");
}
