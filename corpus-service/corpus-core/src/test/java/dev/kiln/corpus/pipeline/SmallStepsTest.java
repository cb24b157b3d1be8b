package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.filters.UrlFilter;
import dev.kiln.corpus.pipeline.pii.PiiScrubber;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallStepsTest {

    static String urlReason(UrlFilter f, String url) {
        StepResult r = f.apply(PipelineDocument.ofText("u", url, "x"));
        return r.kept() ? "kept" : r.reason();
    }

    @Test
    void urlFilterReasonsWithDefaultLists() {
        UrlFilter f = new UrlFilter(PipelineConfig.UrlFilter.defaults());
        assertThat(urlReason(f, "https://www.wikipedia.org/wiki/Bridge")).isEqualTo("kept");
        assertThat(urlReason(f, "https://news.blocked.example/page")).isEqualTo("domain");
        assertThat(urlReason(f, "http://blocked.example/this-page")).isEqualTo("domain");
        assertThat(urlReason(f, "https://example.com/free-porn-videos")).isEqualTo("hard_blacklisted");
        assertThat(urlReason(f, "https://example.com/hot-girls/page")).isEqualTo("soft_blacklisted");
        assertThat(urlReason(f, "https://example.com/hot-weather-tips")).isEqualTo("kept");
        assertThat(urlReason(f, "https://example.com/best.xhamster.clips")).isEqualTo("hard_blacklisted");
        assertThat(urlReason(f, "https://example.com/bestxhamsterclips")).isEqualTo("blacklisted_subword");
        assertThat(f.apply(PipelineDocument.ofText("n", null, "x")).kept()).isTrue();
    }

    @Test
    void urlListsAreReplaceableFiles(@TempDir Path dir) throws Exception {
        Path domains = dir.resolve("domains.txt");
        Files.writeString(domains, "# mine\nexample.co.uk\nsub.example.org\n");
        Path urls = dir.resolve("urls.txt");
        Files.writeString(urls, "example.net/bad\n");
        UrlFilter f = new UrlFilter(new PipelineConfig.UrlFilter(domains, urls, null, null, null, 2));
        assertThat(urlReason(f, "https://shop.example.co.uk/x")).isEqualTo("domain");
        assertThat(urlReason(f, "https://sub.example.org/x")).isEqualTo("subdomain");
        assertThat(urlReason(f, "https://other.example.org/x")).isEqualTo("kept");
        assertThat(urlReason(f, "https://example.net/bad")).isEqualTo("url");
        assertThat(urlReason(f, "https://blocked.example/")).isEqualTo("kept");
    }

    @Test
    void piiReplacedAsFineWeb() {
        PiiScrubber p = new PiiScrubber(PipelineConfig.Pii.defaults());
        PipelineDocument d = PipelineDocument.ofText(
                "p",
                null,
                "Write to john.doe@mail.com or jane@uni.edu. Server 8.8.8.8 and 1.1.1.1 answered; "
                        + "the router 192.168.1.1, localhost 127.0.0.1, 10.0.0.7, 172.16.3.4 and 100.64.1.1 stay. Version 1.2.3 too.");
        StepResult r = p.apply(d);
        assertThat(d.text())
                .isEqualTo(
                        "Write to email@example.com or firstname.lastname@example.org. Server 22.214.171.124 and 126.96.36.199 answered; "
                                + "the router 192.168.1.1, localhost 127.0.0.1, 10.0.0.7, 172.16.3.4 and 100.64.1.1 stay. Version 1.2.3 too.");
        assertThat(r.details()).containsEntry("emails_replaced", 2).containsEntry("ips_replaced", 2);
        assertThat(PiiScrubber.isGlobal("203.0.113.5")).isFalse();
        assertThat(PiiScrubber.isGlobal("52.1.2.3")).isTrue();
    }

    /**
     * Runs of dotted segments thousands long (a hostile document, a dump of version numbers) once overflowed
     * the stack inside the e-mail pattern and the document was dropped as an error; addresses around them are
     * still found.
     */
    @Test
    void piiScrubsAroundThousandsOfDottedSegments() {
        PiiScrubber p = new PiiScrubber(PipelineConfig.Pii.defaults());
        String dotted = "a.".repeat(20_000);
        String domain = "x@" + "b.".repeat(5_000) + "org";
        PipelineDocument d =
                PipelineDocument.ofText("p", null, "Write to john.doe@mail.com. " + dotted + " and " + domain + " end");
        StepResult r = p.apply(d);
        assertThat(r.kept()).isTrue();
        assertThat(d.text())
                .startsWith("Write to email@example.com. " + dotted + " and ")
                .endsWith(" end")
                .doesNotContain("john.doe");
        assertThat(r.details()).containsEntry("emails_replaced", 2);
    }
}
