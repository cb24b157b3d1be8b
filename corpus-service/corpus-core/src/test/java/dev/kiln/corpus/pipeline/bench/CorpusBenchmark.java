package dev.kiln.corpus.pipeline.bench;

import dev.kiln.corpus.pipeline.ExtractionGold;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.pipeline.ReadersTest;
import dev.kiln.corpus.pipeline.StepStats;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import dev.kiln.testing.Europarl;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Throughput of the pipeline core on one thread (documents per second per core, measured in thread
 * CPU time so that a shared machine does not distort it; wall time printed too), each step's share of
 * the time, extraction quality on the gold pages, and the dedup index memory per million documents.
 * Run with {@code bench/corpus.sh}. Arguments: [seconds per measurement, default 10].
 */
public final class CorpusBenchmark {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        System.out.printf(
                Locale.ROOT,
                "java %s, %d available processors, measuring %.0f s per case (after warm-up)%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                seconds);

        // ---------- plain-text path ----------
        List<String> europarl = new ArrayList<>();
        for (String b : Europarl.bodies()) europarl.add(Europarl.asDocument(b));
        List<String> english = new ArrayList<>();
        for (String t : europarl) if (Europarl.referenceLanguage(t).equals("en")) english.add(t);
        runText("plain text, Europarl mix (~7% English)", europarl, seconds);
        runText("plain text, English only (every step runs)", english, seconds);

        // ---------- HTML path ----------
        List<byte[]> pages = new ArrayList<>(ReadersTest.javadocPages().values());
        for (String p : ExtractionGold.PAGES) pages.add(ExtractionGold.resource(p + ".html"));
        long bytes = 0;
        for (byte[] p : pages) bytes += p.length;
        System.out.printf(
                Locale.ROOT,
                "%nHTML corpus: %d pages (jwarc javadoc + gold pages), mean %.1f KB%n",
                pages.size(),
                bytes / 1024.0 / pages.size());
        HtmlTextExtractor x = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        measure(
                "HTML extraction alone",
                seconds,
                i -> {
                    byte[] p = pages.get(i % pages.size());
                    x.apply(PipelineDocument.ofBytes("d" + i, "https://b.example/" + i, p, "text/html"));
                },
                bytes / pages.size());
        runHtml("HTML, full default pipeline", pages, seconds);

        // ---------- extraction quality ----------
        List<ExtractionGold.Score> scores = ExtractionGold.scoreAll();
        System.out.println();
        for (ExtractionGold.Score s : scores) {
            System.out.printf(
                    Locale.ROOT,
                    "gold %-12s precision %.3f recall %.3f f1 %.3f%n",
                    s.page(),
                    s.precision(),
                    s.recall(),
                    s.f1());
        }
        double[] m = ExtractionGold.micro(scores);
        System.out.printf(Locale.ROOT, "gold micro-average  precision %.3f recall %.3f f1 %.3f%n", m[0], m[1], m[2]);

        // ---------- dedup memory ----------
        dedupMemory(1_000_000);
    }

    interface Body {
        void run(int i);
    }

    static void measure(String label, double seconds, Body body, long bytesPerDoc) {
        for (int i = 0; i < 2000; i++) body.run(i); // warm-up
        long c0 = MX.getCurrentThreadCpuTime(), w0 = System.nanoTime();
        int n = 0;
        long limit = (long) (seconds * 1e9);
        while (MX.getCurrentThreadCpuTime() - c0 < limit) {
            for (int k = 0; k < 50; k++) body.run(2000 + n++);
        }
        double cpu = (MX.getCurrentThreadCpuTime() - c0) / 1e9, wall = (System.nanoTime() - w0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%-45s %8.0f docs/s per core (CPU time; %.0f docs/s wall), %.1f MB/s%n",
                label,
                n / cpu,
                n / wall,
                n * (double) bytesPerDoc / cpu / 1e6);
    }

    static String uniqueWord(int i) {
        StringBuilder sb = new StringBuilder("q");
        do {
            sb.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return sb.toString();
    }

    static void runText(String label, List<String> docs, double seconds) throws Exception {
        try (Pipeline p = Pipelines.build(PipelineConfig.defaults())) {
            long chars = 0;
            for (String d : docs) chars += d.length();
            long perDoc = chars / docs.size();
            measure(
                    label,
                    seconds,
                    i -> {
                        String t = docs.get(i % docs.size());
                        // a unique word per pass keeps repeats from being mere dedup hits
                        if (i >= docs.size()) t = t + " " + uniqueWord(i) + ".";
                        p.process(PipelineDocument.ofText("d" + i, "https://b.example/" + i, t));
                    },
                    perDoc);
            shares(p);
        }
    }

    static void runHtml(String label, List<byte[]> pages, double seconds) throws Exception {
        try (Pipeline p = Pipelines.build(PipelineConfig.defaults())) {
            List<String> htmls = new ArrayList<>();
            for (byte[] b : pages) htmls.add(new String(b, StandardCharsets.UTF_8));
            long bytes = 0;
            for (byte[] b : pages) bytes += b.length;
            long perDoc = bytes / pages.size();
            measure(
                    label,
                    seconds,
                    i -> {
                        String h = htmls.get(i % htmls.size());
                        if (i >= htmls.size()) {
                            int at = h.lastIndexOf("</body>");
                            if (at < 0) at = h.length();
                            h = h.substring(0, at) + "<p>Variant " + uniqueWord(i) + " of this page.</p>"
                                    + h.substring(at);
                        }
                        p.process(PipelineDocument.ofBytes(
                                "d" + i, "https://b.example/" + i, h.getBytes(StandardCharsets.UTF_8), "text/html"));
                    },
                    perDoc);
            shares(p);
        }
    }

    static void shares(Pipeline p) {
        long total = 0;
        for (StepStats s : p.stats().steps()) total += s.nanos();
        StringBuilder sb = new StringBuilder("    step share of time:");
        for (StepStats s : p.stats().steps()) {
            sb.append(String.format(Locale.ROOT, " %s %.1f%%", s.step(), 100.0 * s.nanos() / total));
        }
        System.out.println(sb);
        System.out.printf(
                Locale.ROOT,
                "    documents in %d, kept %d%n",
                p.stats().documentsIn(),
                p.stats().documentsKept());
    }

    static void dedupMemory(int n) throws Exception {
        MinHashDeduplicator m = new MinHashDeduplicator(PipelineConfig.Dedup.defaults());
        ExactDeduplicator e = new ExactDeduplicator(null);
        SplittableRandom r = new SplittableRandom(7);
        String[] vocab = new String[5000];
        for (int i = 0; i < vocab.length; i++) vocab[i] = uniqueWord(i * 7919 + 13);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heap0 = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.setLength(0);
            for (int w = 0; w < 12; w++)
                sb.append(vocab[r.nextInt(vocab.length)]).append(' ');
            String t = sb.toString();
            m.apply(PipelineDocument.ofText("x", null, t));
            e.apply(PipelineDocument.ofText("x", null, t));
        }
        System.gc();
        long heap1 = rt.totalMemory() - rt.freeMemory();
        System.out.printf(
                Locale.ROOT,
                "%ndedup index after %,d documents (%.1f s): MinHash %,d docs, table %.1f MB = %.0f bytes/doc; "
                        + "exact %.1f MB = %.1f bytes/doc; heap growth %.1f MB (both)%n",
                n,
                (System.nanoTime() - t0) / 1e9,
                m.documents(),
                m.memoryBytes() / 1e6,
                (double) m.memoryBytes() / m.documents(),
                e.memoryBytes() / 1e6,
                (double) e.memoryBytes() / e.size(),
                (heap1 - heap0) / 1e6);
        System.out.println("on-disk logs: 112 bytes/doc (MinHash, 14 band keys) + 8 bytes/doc (exact)");
    }
}
