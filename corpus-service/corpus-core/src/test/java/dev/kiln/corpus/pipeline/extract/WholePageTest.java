package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pages where the whole page used to be kept instead of the article, on pages written for Kiln (free to
 * redistribute) after the failure patterns of the L3S-GN1 and Dragnet development sets: a page that marks
 * no main element, its short article in a layout table beside a column of section headings and a column
 * of columnists' teasers; a documentation chapter whose sections carry anchors generated from their
 * titles ("sharing-with-a-single-developer").
 */
class WholePageTest {
    /**
     * Without main/article marks the whole page is the comparison: the article's region holds an article's
     * worth of text and over a third of the page's, so the menus' headings and the teasers stay out.
     */
    @Test
    void shortArticleOnAnUnmarkedPageIsNotTheWholePage() {
        assertThat(extract("whole-unmarked-page-left-column.html"))
                .contains("The city's harbour ferries will run until two in the morning again")
                .contains("who have relied on a slow night bus since the cut.")
                .contains("has still to be found in next year's budget.")
                .doesNotContain("Today in Transport")
                .doesNotContain("Useful Tools For Readers")
                .doesNotContain("The second tram line has been promised")
                .doesNotContain("no lane is safe on a deck")
                .doesNotContain("Should the harbour ferries be free")
                .doesNotContain("Night work at the container port");
    }

    /** An id that reads as a phrase is a section's anchor: "sharing" in it does not make a share bar. */
    @Test
    void sectionAnchorIdsAreNotBoxNames() {
        assertThat(BoilerplateNames.phrase("sharing-with-a-single-developer")).isTrue();
        assertThat(BoilerplateNames.phrase("share-buttons")).isFalse();
        assertThat(BoilerplateNames.phrase("comment-form-wrapper")).isFalse();
        assertThat(BoilerplateNames.phrase("Share-Bar-Top-Left")).isFalse();
        assertThat(extract("whole-section-anchor-ids.html"))
                .contains("A ledger repository can be copied as often as you like")
                .contains("let them pull straight from your copy over the local network")
                .contains("before they are merged into their own work.")
                .contains("A team usually agrees on one shared copy on a server")
                .doesNotContain("Next chapter");
    }
}
