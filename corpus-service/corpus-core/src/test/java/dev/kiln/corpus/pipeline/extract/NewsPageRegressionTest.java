package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What leaked into news articles, on pages written for Kiln (free to redistribute) after the patterns
 * of real news pages in L3S-GN1 and the Readability test pages.
 */
class NewsPageRegressionTest {
    private static final String STORY =
            "<p>The city council voted on Tuesday to close the old bridge over the river for"
                    + " repairs that engineers say cannot wait another winter.</p>"
                    + "<p>Traffic will be sent over the northern crossing, which adds about ten minutes to the drive"
                    + " from the harbour to the town centre at rush hour.</p>"
                    + "<p>The work is expected to take eight months and to cost the city a little over four million.</p>";

    /** Caption boxes whose name runs "caption" into another word, as older CMSs and wikis write them. */
    @Test
    void captionsInBoxesNamedWithACompoundWordAreNotTheArticle() {
        String html = "<html><head><title>Bridge to close</title></head><body><div id=story>"
                + "<table class=storyimage><tr><td><img src=/bridge.jpg></td></tr><tr><td class=imagecaption>"
                + "Cars queue on the old bridge during the morning rush, 12 March.</td></tr></table>"
                + STORY
                + "<div class=thumb><img src=/river.jpg><div class=thumbcaption>The river seen from the northern"
                + " crossing at dusk.</div></div></div></body></html>";
        assertThat(extract("compound-caption-names", html))
                .contains("The city council voted on Tuesday")
                .contains("a little over four million.")
                .doesNotContain("Cars queue on the old bridge")
                .doesNotContain("The river seen from the northern crossing");
    }
}
