package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.FLOOD_STORY;
import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the markup says is hidden or is a widget, on pages written for Kiln after the patterns of
 * current news sites (Fundus's test pages): a sign-up wall the script shows only to some readers,
 * screen-reader labels inside the article, and an article inside an ARIA tab list.
 */
class MarkupHintsTest {
    @Test
    void aBoxWithAHidingUtilityClassIsNotText() {
        String t = extract(
                "hidden-class",
                "<html><body><article><h1>Flood gates open</h1>"
                        + "<div class=\"article-meta\"><span class=\"visually-hidden\">Author of the article:</span>"
                        + " By Ann Lee</div>"
                        + "<section class=\"content-group\"><div class=\"sr-only\">Article content</div>" + FLOOD_STORY
                        + "</section>"
                        + "<p class=\"note hidden-xs\">The old gates will be kept as a monument beside the new ones,"
                        + " the authority said, and a footpath will lead across them from both banks.</p>"
                        + "<div class=\"article-block hidden\"><h2>This content is reserved for subscribers only</h2>"
                        + "<ul><li>Unlimited digital access to River News and fifteen other news sites with one account.</li>"
                        + "<li>Exclusive articles from our columnists, plus newsletters and virtual events every week.</li>"
                        + "<li>The ePaper, an electronic replica of the print edition to view on any device.</li></ul>"
                        + "</div></article></body></html>");
        assertThat(t)
                .contains("no longer need sandbags every spring")
                .contains("kept as a monument") // hidden-xs hides on phones only
                .doesNotContain("Author of the article")
                .doesNotContain("Article content")
                .doesNotContain("Unlimited digital access")
                .doesNotContain("reserved for subscribers");
    }

    /**
     * The frameworks' other names for the same utility: Bulma's "is-hidden" around the teaser a video player
     * shows when its clip ends, HTML5 Boilerplate's "visuallyhidden" label; "is-hidden-mobile" hides on phones
     * only.
     */
    @Test
    void boxesHiddenByOtherFrameworksUtilityClassesAreNotText() {
        String t = extract(
                "other-hidden-classes",
                "<html><body><article><h1>Flood gates open</h1>" + FLOOD_STORY
                        + "<div class=video-player><a href=/video/1><h3>The old mill by the river</h3></a>"
                        + "<div class=is-hidden><p>If you have ever wanted to live in a mill by the water, here are"
                        + " some of the ones for sale along the lower river this spring.</p></div></div>"
                        + "<p><span class=visuallyhidden>Share this story:</span> The authority will hold an open day at"
                        + " the gates in May, when visitors can walk through the machine room.</p>"
                        + "<p class=is-hidden-mobile>The old gates will be kept as a monument beside the new ones,"
                        + " the authority said, and a footpath will lead across them from both banks.</p>"
                        + "</article></body></html>");
        assertThat(t)
                .contains("no longer need sandbags every spring")
                .contains("hold an open day at the gates in May")
                .contains("kept as a monument")
                .doesNotContain("here are some of the ones for sale")
                .doesNotContain("Share this story");
    }

    /** A tab list is a widget's labels, but the article's tab panel can sit inside it: not skipped whole. */
    @Test
    void anArticleInsideATabListStays() {
        String t = extract(
                "article-in-tablist",
                "<html><body><div class=cookie-notice><p>We use cookies on our website to give you the most relevant"
                        + " experience by remembering your preferences and repeat visits to the site.</p></div>"
                        + "<div class=tab-content role=tablist><div role=tabpanel class=\"tab-pane active\">"
                        + "<div class=article-content>" + FLOOD_STORY + "</div></div></div></body></html>");
        assertThat(t).contains("the first barges passed").contains("no longer need sandbags every spring");
    }
}
