package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.BRIDGE_STORY;
import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pages whose article came out empty because markup the extractor trusts wrapped the whole story,
 * written for Kiln (free to redistribute) after the patterns of real news pages in L3S-GN1 and the
 * Trafilatura evaluation set.
 */
class EmptyPageRegressionTest {
    /**
     * A title cut by the crawl, never closed, in a head never closed and a page without a body tag: as
     * raw text it held the whole document (2 L3S-GN1 pages).
     */
    @Test
    void aTitleNeverClosedDoesNotSwallowThePage() {
        String html = "<html><head><meta charset=utf-8><title>Bridge to close for rep"
                + "<script>var ad = 1;</script><div id=story><h1>Bridge to close</h1>"
                + BRIDGE_STORY
                + "</div></html>";
        assertThat(extract("unclosed-title", html))
                .contains("The city council voted on Tuesday")
                .contains("a little over four million.")
                .doesNotContain("var ad");
    }

    /** An aside that wraps the page's whole article column, inside main. */
    @Test
    void anArticleInsideAnAsideIsFound() {
        String html = "<html><head><title>Bridge to close</title></head><body>"
                + "<nav><a href=/>Home</a> <a href=/news>News</a></nav><main><aside class=direct-content>"
                + "<article><h1>Bridge to close</h1><div itemprop=articleBody>"
                + BRIDGE_STORY
                + "</div></article></aside></main><footer>Copyright the paper</footer></body></html>";
        assertThat(extract("article-in-aside", html))
                .contains("The city council voted on Tuesday")
                .contains("a little over four million.")
                .doesNotContain("Copyright");
    }

    /** A role=banner header the page never closed holds the rest of the page. */
    @Test
    void anArticleAfterABannerNeverClosedIsFound() {
        String html = "<html><head><title>Bridge to close</title></head><body><div id=page>"
                + "<header id=header role=banner><a href=/><img src=/logo.png alt=logo></a>"
                + "<div id=main><main role=main><div class=article-body>"
                + BRIDGE_STORY
                + "</div></main></div></div></body></html>";
        assertThat(extract("unclosed-banner", html))
                .contains("The city council voted on Tuesday")
                .contains("a little over four million.");
    }

    /**
     * A page of titled pictures without a sentence of prose: its headings are what it says, though no text
     * follows them.
     */
    @Test
    void aPageOfTitledPicturesKeepsItsTitles() {
        String html = "<html><head><title>Lighthouses of the coast</title></head><body>"
                + "<nav><a href=/>Home</a> <a href=/photos>Photos</a></nav><article>"
                + "<h2>The north pier light</h2><img src=/north.jpg alt=north.jpg>"
                + "<h2>The harbour mouth at dusk</h2><img src=/mouth.jpg alt=mouth.jpg>"
                + "</article><footer><h2>Contact the harbour office</h2></footer></body></html>";
        assertThat(extract("titled-pictures", html))
                .contains("The north pier light")
                .contains("The harbour mouth at dusk")
                .doesNotContain("Contact")
                .doesNotContain("Home");
    }
}
