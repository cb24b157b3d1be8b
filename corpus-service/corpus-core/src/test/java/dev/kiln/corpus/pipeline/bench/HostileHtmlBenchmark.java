package dev.kiln.corpus.pipeline.bench;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jsoup.Jsoup;

/**
 * How the {@code html_extract} step's time grows on hostile markup — pages built to make a parser's work grow
 * faster than their size (deep nesting, lost end tags, floods of one tag) — side by side with jsoup's HTML5
 * parse of the same bytes. Each page is made at two sizes, the second four times the first: time that grows
 * four times is linear, sixteen times quadratic. The step accepts pages up to 10 MB, so a quadratic case is
 * minutes of a core per request (InspectDocument, IngestDocuments). Run with {@code
 * bench/extraction-hostile.sh}.
 */
public final class HostileHtmlBenchmark {
    private HostileHtmlBenchmark() {}

    private record Page(String name, String head, String unit) {
        String ofSize(double megabytes) {
            int n = (int) Math.max(1, (megabytes * (1 << 20) - head.length()) / unit.length());
            return head + unit.repeat(n);
        }
    }

    private static final String PROSE =
            "<p>The council approved the new budget on Monday after a debate that lasted four hours.</p>";
    private static final String SPANS = "<body>" + "<span>".repeat(2_100);

    private static final List<Page> PAGES = List.of(
            new Page("titles whose end tags were lost", "<html><head>", "<title>Headline<i>"),
            new Page("headings and nothing else", "<body>", "<h1>A headline of some words</h1>"),
            new Page("paragraphs left open in 2,100 spans", SPANS, "<p>word "),
            new Page("end tags of nothing open, in 2,100 spans", SPANS, "</b>"),
            new Page("table cells in 2,100 spans", SPANS, "<td>cell "),
            new Page("table rows in 2,100 spans", SPANS, "<tr>"),
            new Page("list items in 2,100 spans", SPANS, "<li>item "),
            new Page("tables nested without end", "<body>", "<table>"),
            new Page("divs nested without end", "<body>", "<div>"),
            new Page(
                    "prose in 600 nested tab lists",
                    "<body>" + "<div role=tablist>".repeat(600),
                    "<div>" + PROSE + "</div>"),
            new Page("prose in 600 nested headers", "<body>" + "<header>".repeat(600), PROSE),
            new Page(
                    "articles in 600 nested articles",
                    "<body>" + "<article>".repeat(600),
                    "<article>" + PROSE + "</article>"),
            new Page("paragraphs of one article", "<body><article>", PROSE),
            new Page("character references", "<body><p>", "&amp;&#x1F600;&#99999999;&nbsp;word "),
            new Page("an attribute quote never closed", "<body><div class=\"", "x"),
            new Page("a flood of '<'", "<body>", "<"));

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Thread CPU milliseconds of the fastest of {@code rounds} runs; NaN when a run failed (printed). */
    private static double bestMillis(int rounds, Runnable run) {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            try {
                run.run();
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                System.out.println("  failed: " + e);
                return Double.NaN;
            }
            best = Math.min(best, THREADS.getCurrentThreadCpuTime() - t0);
        }
        return best / 1e6;
    }

    /** @param args [small page size in MB (1)] [rounds (3)] */
    public static void main(String[] args) {
        double small = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        HtmlTextExtractor step = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        Consumer<String> kiln = html -> {
            StepResult r = step.apply(PipelineDocument.ofBytes(
                    "hostile", "https://hostile.example/", html.getBytes(StandardCharsets.UTF_8), "text/html"));
            if (r == null) throw new IllegalStateException("no verdict");
        };
        Consumer<String> jsoup = html -> Jsoup.parse(html).body();
        // warm both up on a small copy of every page
        for (Page p : PAGES) {
            String html = p.ofSize(0.05);
            bestMillis(1, () -> kiln.accept(html));
            bestMillis(1, () -> jsoup.accept(html));
        }
        System.out.printf(
                Locale.ROOT,
                "java %s; pages of %.2f MB and %.2f MB; thread CPU, best of %d%n",
                System.getProperty("java.version"),
                small,
                4 * small,
                rounds);
        System.out.printf(
                Locale.ROOT,
                "%-44s %12s %12s %7s   %12s %12s %7s%n",
                "page",
                "Kiln small",
                "Kiln 4x",
                "growth",
                "jsoup small",
                "jsoup 4x",
                "growth");
        for (Page p : PAGES) {
            String a = p.ofSize(small), b = p.ofSize(4 * small);
            double ka = bestMillis(rounds, () -> kiln.accept(a)), kb = bestMillis(rounds, () -> kiln.accept(b));
            double ja = bestMillis(rounds, () -> jsoup.accept(a)), jb = bestMillis(rounds, () -> jsoup.accept(b));
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %9.1f ms %9.1f ms %6.1fx   %9.1f ms %9.1f ms %6.1fx%n",
                    p.name(),
                    ka,
                    kb,
                    kb / Math.max(ka, 0.1),
                    ja,
                    jb,
                    jb / Math.max(ja, 0.1));
        }
    }
}
