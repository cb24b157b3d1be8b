package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Boxes a CSS utility class hides from sighted readers, on a page written for Kiln after the pattern
 * of current news sites (Fundus's test pages): a sign-up wall the script shows only to some readers
 * and screen-reader labels inside the article.
 */
class HiddenClassTest {
    private static final String STORY =
            "<p>The river authority opened the new flood gates on Tuesday after three years of"
                    + " work, and the first barges passed through them before noon without any trouble at all.</p>"
                    + "<p>Engineers had feared that the winter floods would delay the opening again, but the water stayed"
                    + " low through February and the last concrete was poured at the end of the month as planned.</p>"
                    + "<p>The gates let the authority hold back the water upstream when the sea rises, which it could not"
                    + " do before, and the towns along the lower river will no longer need sandbags every spring.</p>";

    @Test
    void aBoxWithAHidingUtilityClassIsNotText() {
        String t = extract(
                "hidden-class",
                "<html><body><article><h1>Flood gates open</h1>"
                        + "<div class=\"article-meta\"><span class=\"visually-hidden\">Author of the article:</span>"
                        + " By Ann Lee</div>"
                        + "<section class=\"content-group\"><div class=\"sr-only\">Article content</div>" + STORY
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
}
