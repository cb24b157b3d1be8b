package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Heads that real pages leave broken, after the patterns met in L3S-GN1 (pages written for Kiln). */
class ImpliedHeadEndTest {
    private final HtmlTextExtractor step = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());

    /** The crawl cut the title's end tag: as raw text it would swallow the page, which came out empty. */
    @Test
    void titleWhoseEndTagWasLostDoesNotSwallowThePage() {
        String html = "<!doctype html><html><head><title>Sport news library-->\n"
                + "<script src=\"/js/app.js\"></script><style>p { margin: 0 }</style></head>\n"
                + "<body><div id=\"nav\"><a href=\"/\">Home</a></div><div class=\"storybody\">"
                + "<p>The defending champion lost in straight sets on Tuesday and criticised the line calls.</p>"
                + "<p>He said the umpires at smaller tournaments had no replay system to rely on.</p>"
                + "</div></body></html>";
        PipelineDocument d = PipelineDocument.ofBytes(
                "t", "https://news.example/t", html.getBytes(StandardCharsets.UTF_8), "text/html");
        StepResult r = step.apply(d);
        assertThat(r.kept()).as(r.toString()).isTrue();
        assertThat(d.text())
                .contains("The defending champion lost in straight sets")
                .contains("no replay system to rely on.")
                .doesNotContain("app.js")
                .doesNotContain("margin");
    }

    /**
     * A hostile page: titles without end tags one after another. Each is cut at its first tag and the rest
     * lexed again; that once recursed per title, and fifty thousand of them overflowed the stack.
     */
    @Test
    void titlesCutShortOneAfterAnotherAreLexedInOnePass() {
        String html = "<html><head>" + "<title>Headline<i>".repeat(50_000)
                + "<p>The council approved the new budget on Monday after a debate that lasted four hours.</p>";
        PipelineDocument d = PipelineDocument.ofBytes(
                "t", "https://news.example/t", html.getBytes(StandardCharsets.UTF_8), "text/html");
        StepResult r = step.apply(d);
        assertThat(r.kept()).as(r.toString()).isTrue();
        assertThat(d.text()).contains("The council approved the new budget").doesNotContain("<i>");
    }
}
