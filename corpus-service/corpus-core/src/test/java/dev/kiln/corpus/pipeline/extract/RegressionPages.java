package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The html_extract step with its default settings over the extraction regression pages (written for
 * Kiln, free to redistribute, under {@code src/test/resources/extraction-regression}) or a page written
 * inline; a page the step drops fails the test with the step's verdict.
 */
final class RegressionPages {
    private RegressionPages() {}

    /** A short news story of three paragraphs for inline pages: what every such page must keep whole. */
    static final String BRIDGE_STORY = "<p>The city council voted on Tuesday to close the old bridge over the river for"
            + " repairs that engineers say cannot wait another winter.</p>"
            + "<p>Traffic will be sent over the northern crossing, which adds about ten minutes to the drive"
            + " from the harbour to the town centre at rush hour.</p>"
            + "<p>The work is expected to take eight months and to cost the city a little over four million.</p>";

    /** A longer three-paragraph story, for rules that judge the article by its length. */
    static final String FLOOD_STORY =
            "<p>The river authority opened the new flood gates on Tuesday after three years of"
                    + " work, and the first barges passed through them before noon without any trouble at all.</p>"
                    + "<p>Engineers had feared that the winter floods would delay the opening again, but the water stayed"
                    + " low through February and the last concrete was poured at the end of the month as planned.</p>"
                    + "<p>The gates let the authority hold back the water upstream when the sea rises, which it could not"
                    + " do before, and the towns along the lower river will no longer need sandbags every spring.</p>";

    /** The text extracted from the regression page of this file name. */
    static String extract(String page) {
        try (InputStream in = RegressionPages.class.getResourceAsStream("/extraction-regression/" + page)) {
            assertThat(in).as("regression page " + page).isNotNull();
            return extract(page, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text extracted from an inline page. */
    static String extract(String name, String html) {
        return extract(name, html.getBytes(StandardCharsets.UTF_8));
    }

    private static String extract(String name, byte[] html) {
        PipelineDocument d = PipelineDocument.ofBytes(name, "https://news.example/" + name, html, "text/html");
        StepResult r = new HtmlTextExtractor(PipelineConfig.Extraction.defaults()).apply(d);
        assertThat(r.kept()).as(name + " kept: " + r).isTrue();
        return d.text();
    }
}
