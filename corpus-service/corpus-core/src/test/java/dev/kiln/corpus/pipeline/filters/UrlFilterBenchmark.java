package dev.kiln.corpus.pipeline.filters;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Cost of the URL filter with a UT1-sized block list: a generated UT1 directory (category {@code adult}
 * with N domains and N/20 URLs, N default 4.6 million as UT1's adult list), its load time and heap, and
 * the filter's CPU time per URL on a mix of 90% unlisted and 10% listed URLs; beside it in the same run,
 * the obvious alternative, a {@code HashSet<String>} of the same domains (heap and lookups of the host and
 * its registered domain). Run with {@code bench/url-filter.sh [domains] [seconds]}.
 */
public final class UrlFilterBenchmark {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4_600_000;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        Path root = Files.createTempDirectory("ut1-bench");
        Files.createDirectories(root.resolve("adult"));
        SplittableRandom rnd = new SplittableRandom(15);
        String[] tlds = {"com", "net", "org", "co.uk", "de", "fr", "ru", "com.br", "info", "xxx", "github.io"};
        List<String> listed = new ArrayList<>();
        try (BufferedWriter d = Files.newBufferedWriter(root.resolve("adult/domains"));
                BufferedWriter u = Files.newBufferedWriter(root.resolve("adult/urls"))) {
            for (int i = 0; i < n; i++) {
                String label = Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
                String name = label.substring(0, Math.min(label.length(), 6 + rnd.nextInt(6))) + "."
                        + tlds[rnd.nextInt(tlds.length)];
                d.write(name);
                d.write('\n');
                if (i % 20 == 0) u.write(name.replace(".", "-") + ".example.org/gallery/" + i + "\n");
                if (i % 1000 == 0) listed.add(name);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "java %s; generated UT1 directory: %,d domains, %,d urls (%,d bytes)%n",
                System.getProperty("java.version"),
                n,
                n / 20 + 1,
                Files.size(root.resolve("adult/domains")));

        long heap0 = usedHeap();
        long t0 = System.nanoTime();
        UrlFilter filter = new UrlFilter(PipelineConfig.UrlFilter.defaults().withUt1(root, List.of("adult")));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long heap = usedHeap() - heap0;
        System.out.printf(
                Locale.ROOT,
                "Kiln UrlFilter: loaded %,d entries in %.1f s, heap %.0f MB (%.1f B/entry)%n",
                filter.blockedEntries(),
                loadSeconds,
                heap / 1e6,
                (double) heap / filter.blockedEntries());

        heap0 = usedHeap();
        t0 = System.nanoTime();
        Set<String> naive = new HashSet<>();
        for (String line : Files.readAllLines(root.resolve("adult/domains"))) naive.add(line);
        double naiveLoad = (System.nanoTime() - t0) / 1e9;
        long naiveHeap = usedHeap() - heap0;
        System.out.printf(
                Locale.ROOT,
                "HashSet<String> of the domains: loaded in %.1f s, heap %.0f MB (%.1f B/entry)%n",
                naiveLoad,
                naiveHeap / 1e6,
                (double) naiveHeap / naive.size());

        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            urls.add(
                    i % 10 == 0
                            ? "https://www." + listed.get(i % listed.size()) + "/video/" + i
                            : "https://news" + (i % 977) + ".example-site" + (i % 31) + ".co.uk/2024/03/article-" + i
                                    + "?ref=home");
        }
        List<PipelineDocument> docs = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) docs.add(PipelineDocument.ofText("u" + i, urls.get(i), "x"));
        int[] dropped = {0};
        double filterNs = measure(
                seconds,
                () -> {
                    for (PipelineDocument d : docs) if (filter.apply(d).dropped()) dropped[0]++;
                },
                docs.size());
        double naiveNs = measure(
                seconds,
                () -> {
                    for (String u : urls) {
                        String host = UrlHosts.host(u.toLowerCase(Locale.ROOT));
                        if (naive.contains(host) || naive.contains(UrlHosts.registeredDomain(host))) dropped[0]++;
                    }
                },
                urls.size());
        System.out.printf(
                Locale.ROOT,
                "per URL, 1 thread, CPU time: Kiln UrlFilter (whole step: domains, URLs, words) %.0f ns;"
                        + " HashSet host + registered-domain lookup only %.0f ns (drops counted: %d)%n",
                filterNs,
                naiveNs,
                dropped[0]);
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        System.out.println(naive.size() > 0 ? "" : "empty");
    }

    /** Thread CPU nanoseconds per item over repeated passes for about {@code seconds}, after a warm-up pass. */
    static double measure(double seconds, Runnable pass, int items) {
        pass.run();
        long start = MX.getCurrentThreadCpuTime();
        long passes = 0;
        while (MX.getCurrentThreadCpuTime() - start < seconds * 1e9) {
            pass.run();
            passes++;
        }
        return (MX.getCurrentThreadCpuTime() - start) / (double) (passes * items);
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
