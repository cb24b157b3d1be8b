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
