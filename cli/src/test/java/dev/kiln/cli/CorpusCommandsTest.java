package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testing.Europarl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The corpus commands against the packaged corpus service (with the real tokenizer and a real broker). */
class CorpusCommandsTest {

    private static String corpus;
    private static List<String> english;

    @BeforeAll
    static void start() {
        corpus = Services.corpus();
        english = Europarl.bodies().stream()
                .map(Europarl::asDocument)
                .filter(t -> t.length() > 1500 && "en".equals(Europarl.referenceLanguage(t)))
                .limit(4)
                .toList();
        assertThat(english).hasSize(4);
    }

    @Test
    void inspectShowsEveryStepsVerdict() {
        Path file = Services.tempFile("speech.txt", english.get(0));
        Cli.Result result = Cli.run(
                "corpus",
                "inspect",
                "--corpus",
                corpus,
                "--url",
                "https://example.org/speech",
                "--text",
                file.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("STEP")
                .contains("url_filter", "language", "gopher_quality", "kept")
                .contains("speech.txt: KEPT (language en");
        assertThat(result.out()).contains(english.get(0).substring(0, 40));
    }

    @Test
    void inspectNamesTheDroppingStep() {
        Path file = Services.tempFile(
                "german.txt", "Das ist ein kurzer deutscher Text über das Wetter in Berlin. ".repeat(20));
        Cli.Result result = Cli.run("corpus", "inspect", "--corpus", corpus, file.toString());
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).containsPattern("language\\s+dropped: ").contains("german.txt: DROPPED");
    }

    @Test
    void emptyDocumentIsInvalidArgument() {
        Path file = Services.tempFile("empty.txt", "");
        Cli.Result result = Cli.run("corpus", "inspect", "--corpus", corpus, file.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("kiln corpus inspect: INVALID_ARGUMENT: ");
    }

    @Test
    void ingestsLocalFilesAndCountsThemInStats() throws IOException {
        Path dir = Files.createTempDirectory("kiln-cli-ingest");
        Files.writeString(dir.resolve("a.txt"), english.get(1));
        Files.writeString(
                dir.resolve("b.html"),
                "<html><body><article><p>" + english.get(2).replace("\n", "</p><p>") + "</p></article></body></html>");
        Files.writeString(dir.resolve("c.txt"), "buy now ".repeat(5));

        Cli.Result ingested = Cli.run(
                "ingest",
                "--local",
                "--corpus",
                corpus,
                dir.resolve("a.txt").toString(),
                dir.resolve("b.html").toString(),
                dir.resolve("c.txt").toString());
        assertThat(ingested.exitCode()).as(ingested.err()).isZero();
        assertThat(ingested.out())
                .startsWith("documents: 3 received, 2 kept, 1 dropped; ")
                .contains("  dropped ");

        Cli.Result stats = Cli.run("corpus", "stats", "--corpus", corpus);
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out())
                .startsWith("STEP")
                .contains("url_filter", "html_extract", "minhash_dedup", "pii")
                .containsPattern("total: \\d+ documents in, \\d+ kept, \\d+ tokens");
    }

    @Test
    void ingestsAJsonlFileTheServerReads() throws IOException {
        // Under the working directory, which the test's corpus service allows as an input root.
        Path dir = Files.createDirectories(Path.of("target", "cli-test-input"));
        Path jsonl = dir.resolve("docs-" + System.nanoTime() + ".jsonl");
        Files.writeString(
                jsonl,
                "{\"id\": \"j1\", \"url\": \"https://example.org/1\", \"text\": "
                        + new ObjectMapper().writeValueAsString(english.get(3)) + "}\n"
                        + "{\"id\": \"j2\", \"text\": \"short\"}\n");

        Cli.Result ingested = Cli.run("ingest", "--corpus", corpus, jsonl.toString());
        assertThat(ingested.exitCode()).as(ingested.err()).isZero();
        assertThat(ingested.out()).startsWith("documents: 2 received, 1 kept, 1 dropped; ");
    }

    @Test
    void missingServerPathIsNotFound() {
        Cli.Result result = Cli.run("ingest", "--corpus", corpus, "target/no-such-crawl.warc.gz");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(4);
        assertThat(result.err()).contains("NOT_FOUND");
    }
}
