package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Markup made to be hard: nesting deeper than the extractor opens elements, floods of tags that close nothing.
 * What the step keeps must stay right there; how its time grows is measured by {@code
 * bench/extraction-hostile.sh}, not here.
 */
class HostileMarkupTest {
    private static final String STORY =
            "<p>The council approved the new budget on Monday after a debate that lasted four hours.</p>"
                    + "<p>Opposition members said the spending on roads came at the cost of the libraries.</p>";

    private final HtmlTextExtractor step = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());

    private String extract(String html) {
        PipelineDocument d = PipelineDocument.ofBytes(
                "t", "https://news.example/t", html.getBytes(StandardCharsets.UTF_8), "text/html");
        StepResult r = step.apply(d);
        assertThat(r.kept()).as(r.toString()).isTrue();
        return d.text();
    }

    /** Elements past the depth the extractor opens (Blink's parser stops at 512 too) still give their text. */
    @Test
    void storyNestedThousandsOfLevelsDeepComesOut() {
        String html = "<html><body>" + "<div>".repeat(5_000) + STORY + "</div>".repeat(5_000) + "</body></html>";
        assertThat(extract(html))
                .contains("The council approved the new budget on Monday")
                .contains("came at the cost of the libraries.");
    }

    /**
     * End tags of elements that are not open, and cells and list items outside any table or list, inside
     * thousands of open spans: each used to search the whole stack of open elements.
     */
    @Test
    void tagsThatCloseNothingLeaveTheStoryWhole() {
        String html = "<html><body>" + "<span>".repeat(3_000) + "</b>".repeat(20_000) + "<td>".repeat(2_000)
                + "<li>".repeat(2_000) + "<article>" + STORY + "</article></body></html>";
        assertThat(extract(html))
                .contains("The council approved the new budget on Monday")
                .contains("came at the cost of the libraries.");
    }

    /** An open paragraph is closed by the next block even with hundreds of inline elements left open in it. */
    @Test
    void paragraphLeftOpenUnderInlineElementsIsClosedByTheNextBlock() {
        String html = "<html><body><article><p>The council approved the new budget on Monday after a long debate."
                + "<b>".repeat(600) + "<div>Opposition members said the spending on roads came at the cost of the"
                + " libraries.</div></article></body></html>";
        String text = extract(html);
        assertThat(text.lines())
                .contains("The council approved the new budget on Monday after a long debate.")
                .contains("Opposition members said the spending on roads came at the cost of the libraries.");
    }
}
