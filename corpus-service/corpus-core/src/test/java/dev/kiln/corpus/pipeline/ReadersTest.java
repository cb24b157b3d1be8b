package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import dev.kiln.corpus.pipeline.io.JsonlDocumentReader;
import dev.kiln.corpus.pipeline.io.ReadStats;
import dev.kiln.corpus.pipeline.io.WarcDocumentReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcResource;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

public class ReadersTest {

    /** The jwarc javadoc jar that Maven put on the test classpath. */
    static Path javadocJar() {
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (e.endsWith("-javadoc.jar") && e.contains("jwarc")) return Path.of(e);
        }
        Path p = Path.of(
                System.getProperty("user.home"),
                ".m2/repository/org/netpreserve/jwarc/0.31.1/jwarc-0.31.1-javadoc.jar");
        assertThat(p).exists();
        return p;
    }

    public static Map<String, byte[]> javadocPages() throws IOException {
        Map<String, byte[]> pages = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(javadocJar().toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String n = e.getName();
                if (n.startsWith("org/netpreserve/jwarc/")
                        && n.endsWith(".html")
                        && !n.contains("class-use")
                        && !n.contains("package-")) {
                    pages.put(n, z.getInputStream(e).readAllBytes());
                }
            }
        }
        return pages;
    }

    static WarcResponse response(String url, byte[] body, String contentType) throws IOException {
        HttpResponse http = new HttpResponse.Builder(200, "OK")
                .body(MediaType.parse(contentType), body)
                .build();
        return new WarcResponse.Builder(URI.create(url))
                .date(Instant.parse("2024-01-01T00:00:00Z"))
                .body(http)
                .build();
    }

    @Test
    void javadocThroughWarcKeepsTheDocumentationAndDropsNavigation(@TempDir Path dir) throws IOException {
        Map<String, byte[]> pages = javadocPages();
        assertThat(pages.size()).isGreaterThan(30);
        Path warc = dir.resolve("javadoc.warc.gz");
        try (WarcWriter w = new WarcWriter(
                FileChannel.open(warc, StandardOpenOption.CREATE, StandardOpenOption.WRITE), WarcCompression.GZIP)) {
            for (Map.Entry<String, byte[]> e : pages.entrySet()) {
                w.write(response("https://javadoc.example/jwarc/" + e.getKey(), e.getValue(), "text/html"));
            }
        }
        HtmlTextExtractor x = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        Map<String, String> texts = new LinkedHashMap<>();
        ReadStats stats = new WarcDocumentReader().read(warc, d -> {
            StepResult r = x.apply(d);
            assertThat(r.kept()).as(d.url()).isTrue();
            texts.put(d.url(), d.text());
        });
        assertThat(stats.documents()).isEqualTo(pages.size());
        assertThat(stats.skippedByReason()).isEmpty();
        String reader = texts.get("https://javadoc.example/jwarc/org/netpreserve/jwarc/WarcReader.html");
        System.out.println("[javadoc] WarcReader.html extracted (" + reader.length() + " chars):\n"
                + reader.substring(0, Math.min(700, reader.length())) + "\n…");
        // the documentation body
        assertThat(reader)
                .contains("Class WarcReader")
                .contains("Reads the next WARC record.")
                .contains(
                        "Registers a handler that will be called when the reader encounters an error it was able to recover from.")
                .contains("Returns the byte position of the most recently read record.");
        // no navigation, on any page
        int navHits = 0, bodyChars = 0;
        for (String t : texts.values()) {
            bodyChars += t.length();
            for (String nav : List.of(
                    "Skip navigation links", "Prev Class", "Next Class", "No Frames", "All Classes", "Overview\n")) {
                if (t.contains(nav)) navHits++;
            }
        }
        System.out.printf(
                "[javadoc] %d pages, %d chars of text, %d navigation phrases left%n", texts.size(), bodyChars, navHits);
        assertThat(navHits).isZero();
    }

    @Test
    void resourceConversionAndMalformedRecords(@TempDir Path dir) throws IOException {
        Path warc = dir.resolve("mixed.warc");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (WarcWriter w = new WarcWriter(java.nio.channels.Channels.newChannel(buf), WarcCompression.NONE)) {
            w.write(response(
                    "https://a.example/1", "<p>first page text</p>".getBytes(StandardCharsets.UTF_8), "text/html"));
            w.write(response(
                    "https://a.example/2",
                    "<p>second page, broken header</p>".getBytes(StandardCharsets.UTF_8),
                    "text/html"));
            w.write(new WarcResource.Builder(URI.create("https://a.example/3"))
                    .body(MediaType.parse("text/plain"), "a resource".getBytes(StandardCharsets.UTF_8))
                    .build());
            w.write(new WarcConversion.Builder()
                    .setHeader("WARC-Target-URI", "https://a.example/4")
                    .body(MediaType.PLAIN_TEXT, "converted WET text".getBytes(StandardCharsets.UTF_8))
                    .build());
            w.write(new WarcResponse.Builder(URI.create("https://a.example/5"))
                    .body(
                            MediaType.HTTP_RESPONSE,
                            "this is not an HTTP message at all\r\n\r\n".getBytes(StandardCharsets.UTF_8))
                    .build());
            HttpResponse notFound = new HttpResponse.Builder(404, "Not Found")
                    .body(MediaType.HTML, "<p>gone</p>".getBytes(StandardCharsets.UTF_8))
                    .build();
            w.write(new WarcResponse.Builder(URI.create("https://a.example/6"))
                    .body(notFound)
                    .build());
            w.write(response("https://a.example/7", "<p>last page</p>".getBytes(StandardCharsets.UTF_8), "text/html"));
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        // corrupt the WARC header of the second record
        int second = s.indexOf("WARC/1.", s.indexOf("https://a.example/2") - 400);
        second = s.lastIndexOf("WARC/1.", s.indexOf("https://a.example/2"));
        s = s.substring(0, second) + "GARBAGE-NOT-WARC\r\nContent-Length: zzz\r\n"
                + s.substring(second + "WARC/1.1\r\n".length());
        Files.write(warc, s.getBytes(StandardCharsets.ISO_8859_1));
        List<PipelineDocument> docs = new ArrayList<>();
        ReadStats stats = new WarcDocumentReader().read(warc, docs::add);
        System.out.println("[warc] " + stats);
        assertThat(docs)
                .extracting(PipelineDocument::url)
                .contains("https://a.example/1", "https://a.example/3", "https://a.example/4", "https://a.example/7")
                .doesNotContain("https://a.example/2", "https://a.example/6");
        assertThat(stats.skipped("malformed_record") + stats.skipped("malformed_http"))
                .isGreaterThanOrEqualTo(2);
        assertThat(stats.skipped("http_status")).isEqualTo(1);
        PipelineDocument wet =
                docs.stream().filter(d -> d.url().endsWith("/4")).findFirst().orElseThrow();
        HtmlTextExtractor x = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        assertThat(x.apply(wet).kept()).isTrue();
        assertThat(wet.text()).isEqualTo("converted WET text");

        // a .gz cut in the middle: what was readable is read, the rest is counted
        Path gz = dir.resolve("cut.warc.gz");
        ByteArrayOutputStream gzBuf = new ByteArrayOutputStream();
        try (WarcWriter w = new WarcWriter(java.nio.channels.Channels.newChannel(gzBuf), WarcCompression.GZIP)) {
            for (int i = 0; i < 5; i++)
                w.write(response(
                        "https://b.example/" + i,
                        ("<p>page " + i + "</p>").getBytes(StandardCharsets.UTF_8),
                        "text/html"));
        }
        byte[] all = gzBuf.toByteArray();
        Files.write(gz, java.util.Arrays.copyOf(all, all.length - 60));
        List<PipelineDocument> gzDocs = new ArrayList<>();
        ReadStats gzStats = new WarcDocumentReader().read(gz, gzDocs::add);
        System.out.println("[warc.gz truncated] " + gzStats);
        assertThat(gzDocs.size()).isBetween(3, 4);
    }

    @Test
    void pathologicalRecordsAreCountedDropsWithReasons(@TempDir Path dir) throws Exception {
        Path warc = dir.resolve("bad.warc.gz");
        String good = "<html><body><main>" + "<p>" + QualityFiltersTest.GOOD.replace("\n", "</p><p>")
                + "</p></main></body></html>";
        byte[] huge = new byte[3 << 20];
        java.util.Arrays.fill(huge, (byte) 'x');
        byte[] junk = new byte[5000];
        new java.util.Random(3).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) if (junk[i] >= 0 && junk[i] < 32) junk[i] = (byte) 0x81;
        try (WarcWriter w = new WarcWriter(
                FileChannel.open(warc, StandardOpenOption.CREATE, StandardOpenOption.WRITE), WarcCompression.GZIP)) {
            w.write(response(
                    "https://ok.example/1", good.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8"));
            w.write(response(
                    "https://ok.example/img.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}, "image/png"));
            w.write(response("https://ok.example/bin", new byte[] {'<', 'p', '>', 0, 1, 2, 3, 0, 0}, "text/html"));
            w.write(response("https://ok.example/huge", huge, "text/plain"));
            w.write(response("https://ok.example/charset", junk, "text/html; charset=utf-8"));
            w.write(response(
                    "https://ok.example/empty",
                    "<html><body><script>1</script></body></html>".getBytes(StandardCharsets.UTF_8),
                    "text/html"));
            w.write(response("https://ok.example/1-again", good.getBytes(StandardCharsets.UTF_8), "text/html"));
        }
        PipelineConfig cfg = PipelineConfig.defaults();
        PipelineConfig small = new PipelineConfig(
                cfg.steps(),
                cfg.urlFilter(),
                new PipelineConfig.Extraction(2L << 20, 1_000_000, 0.5, "windows-1252"),
                cfg.language(),
                cfg.gopherRepetition(),
                cfg.gopherQuality(),
                cfg.c4(),
                cfg.fineWebQuality(),
                cfg.dedup(),
                cfg.pii());
        try (Pipeline p = Pipelines.build(small)) {
            ReadStats rs = new WarcDocumentReader(2L << 20).read(warc, p::process);
            System.out.print("[warc→pipeline] " + rs + "\n" + p.stats().format());
            Map<String, Long> ex = p.stats().snapshot().get(1).droppedByReason();
            assertThat(ex)
                    .containsEntry("unsupported_content_type", 1L)
                    .containsEntry("binary", 1L)
                    .containsEntry("too_large", 1L)
                    .containsEntry("empty", 1L);
            assertThat(ex.getOrDefault("bad_encoding", 0L) + ex.getOrDefault("binary", 0L))
                    .isGreaterThanOrEqualTo(2L);
            assertThat(p.stats().documentsKept()).isEqualTo(1);
            assertThat(p.stats()
                            .snapshot()
                            .get(PipelineConfig.DEFAULT_STEPS.indexOf("exact_dedup"))
                            .droppedByReason())
                    .containsEntry("exact_duplicate", 1L);
        }
    }

    @Test
    void jsonlFilesAndDirectories(@TempDir Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("part"));
        Files.writeString(dir.resolve("a.jsonl"), """
                {"id":"1","url":"https://x.example/1","text":"plain text one","lang_hint":"en"}
                not json at all
                {"id":"2","html":"<p>some <b>html</b></p>"}

                {"id":"3","url":"https://x.example/3"}
                [1,2,3]
                """);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(sub.resolve("b.jsonl.gz")))) {
            o.write("{\"url\":\"https://x.example/4\",\"text\":\"gzipped text\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("ignored.txt"), "{\"text\":\"not a jsonl file\"}");
        List<PipelineDocument> docs = new ArrayList<>();
        ReadStats stats = new JsonlDocumentReader().read(dir, docs::add);
        assertThat(docs).extracting(PipelineDocument::id).containsExactly("1", "2", "b.jsonl.gz:1");
        assertThat(docs.get(0).metadata()).containsEntry("lang_hint", "en");
        assertThat(stats.skipped("bad_json")).isEqualTo(2);
        assertThat(stats.skipped("no_content")).isEqualTo(1);
        HtmlTextExtractor x = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        x.apply(docs.get(1));
        assertThat(docs.get(1).text()).isEqualTo("some html");
    }
}
