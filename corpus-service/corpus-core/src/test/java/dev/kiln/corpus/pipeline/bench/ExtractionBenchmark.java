package dev.kiln.corpus.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.jsoup.Jsoup;

/**
 * Main-text extraction quality and speed of the {@code html_extract} step on public evaluation sets,
 * side by side with its peers' output (Readability.js, run by {@code bench/extraction/readability.mjs}, and
 * Trafilatura, by {@code bench/extraction/trafilatura_run.py}).
 * Run with {@code bench/extraction.sh}.
 *
 * <p>Two corpora: Mozilla Readability's test pages (full expected text; scored by word 4-shingle and
 * bag-of-words precision/recall per page, averaged over pages, F1 of the means, the way the published
 * article-extraction benchmarks score) and Trafilatura's evaluation set (expected and forbidden
 * snippets per page; scored by snippet counts the way Trafilatura's {@code tests/evaluate.py} does).
 * Each page falls in the dev or held-out split by a CRC32 of its id, so the split is stable.
 *
 * <p>Modes: {@code list RB_DIR TF_DIR OUT} writes OUT/pages.tsv; {@code run RB_DIR TF_DIR OUT SECONDS
 * [WORST]} extracts every page into OUT/kiln/, measures pages/s on one thread (thread CPU time), and
 * scores OUT/kiln/ and each peer's directory (if present) on both splits, each full-text page's shingle P and R
 * going to scores-dev.tsv / scores-held-out.tsv in that directory (to compare two runs page by page). WORST prints the dev pages with
 * the lowest F1 and every dev snippet page that missed or leaked a snippet, for tuning.
 */
public final class ExtractionBenchmark {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** A same-run peer: its output directory under OUT, and its name in the report. */
    private record Peer(String dir, String name) {}

    private static final List<Peer> PEERS =
            List.of(new Peer("readability", "readability.js"), new Peer("trafilatura", "trafilatura"));

    record Page(String id, String split, Path file, String goldText, List<String> with, List<String> without) {
        boolean full() {
            return goldText != null;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: list|run RB_DIR TF_DIR OUT [SECONDS [WORST]]");
            System.exit(2);
        }
        List<Page> pages = load(Path.of(args[1]), Path.of(args[2]));
        String l3s = System.getProperty("kiln.bench.l3s", "");
        if (!l3s.isEmpty()) pages.addAll(loadL3s(Path.of(l3s)));
        String dragnet = System.getProperty("kiln.bench.dragnet", "");
        if (!dragnet.isEmpty()) pages.addAll(loadDragnet(Path.of(dragnet)));
        String fundus = System.getProperty("kiln.bench.fundus", "");
        if (!fundus.isEmpty()) pages.addAll(loadFundus(Path.of(fundus)));
        String chaos = System.getProperty("kiln.bench.chaos", "");
        if (!chaos.isEmpty()) pages.addAll(loadChaos(Path.of(chaos)));
        Path out = Path.of(args[3]);
        Files.createDirectories(out);
        if (args[0].equals("list")) {
            StringBuilder sb = new StringBuilder();
            for (Page p : pages)
                sb.append(p.id)
                        .append('\t')
                        .append(p.split)
                        .append('\t')
                        .append(p.file.toAbsolutePath())
                        .append('\n');
            Files.writeString(out.resolve("pages.tsv"), sb.toString());
            return;
        }
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 10;
        if (args[0].equals("speed")) { // the timed cases alone, for old-against-new alternations
            speed(pages, readAll(pages), seconds);
            return;
        }
        int worst = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        run(pages, out, seconds, worst);
    }

    static String split(String id) {
        CRC32 c = new CRC32();
        c.update(id.getBytes(StandardCharsets.UTF_8));
        return c.getValue() % 2 == 0 ? "dev" : "held-out";
    }

    static List<Page> load(Path rb, Path tf) throws IOException {
        List<Page> pages = new ArrayList<>();
        try (var dirs = Files.list(rb.resolve("test/test-pages"))) {
            for (Path d : dirs.sorted().toList()) {
                Path src = d.resolve("source.html"), exp = d.resolve("expected.html");
                if (!Files.isRegularFile(src) || !Files.isRegularFile(exp)) continue;
                String gold = Jsoup.parse(Files.readString(exp)).text();
                String id = "rb/" + d.getFileName();
                pages.add(new Page(id, split(id), src, gold, List.of(), List.of()));
            }
        }
        JsonNode eval =
                new ObjectMapper().readTree(tf.resolve("tests/evaldata.json").toFile());
        for (Map.Entry<String, JsonNode> e : eval.properties()) {
            String file = e.getValue().get("file").asText();
            Path p = tf.resolve("tests/cache").resolve(file);
            if (!Files.isRegularFile(p)) p = tf.resolve("tests/eval").resolve(file);
            if (!Files.isRegularFile(p)) continue;
            String id = "tf/" + file;
            pages.add(new Page(
                    id,
                    split(id),
                    p,
                    null,
                    strings(e.getValue().get("with")),
                    strings(e.getValue().get("without"))));
        }
        return pages;
    }

    /**
     * L3S-GN1 (Kohlschütter et al., WSDM 2010): 621 news pages from Google News 2008, each with a copy
     * in which human assessors wrapped every text run in a span classed by what it is. The gold is the
     * headline and the full text ({@code x-nc-sel1}, {@code x-nc-sel2}); captions ("supplemental"),
     * related links and comments are not the article, as in the ScrapingHub-style article bodies.
     */
    static List<Page> loadL3s(Path dir) throws IOException {
        List<Page> pages = new ArrayList<>();
        try (var files = Files.list(dir.resolve("original"))) {
            for (Path src : files.sorted().toList()) {
                Path annotated = dir.resolve("annotated").resolve(src.getFileName());
                if (!Files.isRegularFile(annotated)) continue;
                StringBuilder gold = new StringBuilder();
                for (var span : Jsoup.parse(annotated.toFile(), "UTF-8").select("span.x-nc-sel1, span.x-nc-sel2"))
                    if (span.select("span.x-nc-sel1, span.x-nc-sel2").size() == 1) // leaves only: no text twice
                    gold.append(span.text()).append('\n');
                String id = "gn/" + src.getFileName().toString().replaceFirst("\\.html$", "");
                pages.add(new Page(id, split(id), src, gold.toString(), List.of(), List.of()));
            }
        }
        return pages;
    }

    /** The line a Dragnet gold file puts between the article and its comments; annotators varied its symbols. */
    private static final Pattern DRAGNET_COMMENTS = Pattern.compile("(?m)^[!@#$%^&*() \\t]+COMMENTS[ \\t]*\\r?$");

    /**
     * Dragnet (Peters and Lecocq, WWW 2013): 1,381 news and blog pages crawled in 2012, each with the
     * text a person copied out of it. The gold puts the article first and, after a separator line, the
     * page's comments; only the article is scored, as comments are not the article here either. The
     * data is AGPL-3.0 (so it is not committed here): gold from {@code Corrected/} of
     * https://github.com/seomoz/dragnet_data, pages from {@code HTML/} of the same set (its
     * {@code dragnet_HTML.tar.gz}, or the {@code dragnet_data/input} copy in
     * https://github.com/j-szulc/html-cleaning-dataset-merged).
     */
    static List<Page> loadDragnet(Path dir) throws IOException {
        List<Page> pages = new ArrayList<>();
        try (var files = Files.list(dir.resolve("HTML"))) {
            for (Path src : files.sorted().toList()) {
                String name = src.getFileName().toString();
                Path gold = dir.resolve("Corrected").resolve(name + ".corrected.txt");
                if (!name.endsWith(".html") || !Files.isRegularFile(gold)) continue;
                String article = DRAGNET_COMMENTS.split(goldText(Files.readAllBytes(gold)), 2)[0];
                if (article.isBlank()) continue; // comments only: no article to score
                String id = "dn/" + name.replaceFirst("\\.html$", "");
                pages.add(new Page(id, split(id), src, article, List.of(), List.of()));
            }
        }
        return pages;
    }

    /** A Fundus test page: {@code <Publisher>_<yyyy_MM_dd>.html.gz}, the date being the crawl's. */
    private static final Pattern FUNDUS_PAGE = Pattern.compile("([A-Za-z0-9]+)_\\d{4}_\\d{2}_\\d{2}\\.html\\.gz");

    /** Words that make up about a quarter of any English text and almost none of another language's. */
    private static final java.util.Set<String> ENGLISH_FUNCTION_WORDS = java.util.Set.of(
            "the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "with", "was", "it", "as", "by", "at",
            "from", "his", "her", "be", "are");

    /**
     * Fundus (Dallabetta et al., ACL 2024 demo): each publisher's hand-written parser is tested on
     * one page per parser version ({@code <country>/<Publisher>_<crawl date>.html.gz}, crawled 2023
     * or later), against the article it must give ({@code <Publisher>.json}, one entry per version,
     * reviewed with the parser). The gold is that entry's body: the standfirst, then each section's
     * subheading and paragraphs; the headline is a field of its own, as in the ScrapingHub-style
     * article bodies. The n-th page by crawl date belongs to the n-th version: Fundus's tests require
     * exactly one page per version, and versions follow each other in time. Only English articles are
     * kept: a gold of at least 50 words of which at least 15% are common English function words
     * (English news measures 0.22–0.31 here, the set's other languages at most 0.09).
     */
    static List<Page> loadFundus(Path dir) throws IOException {
        List<Page> pages = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        List<Path> expectations;
        try (var files = Files.walk(dir, 2)) {
            expectations = files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        for (Path expected : expectations) {
            String publisher = expected.getFileName().toString().replaceFirst("\\.json$", "");
            List<Path> html;
            try (var files = Files.list(expected.getParent())) {
                html = files.filter(f -> {
                            var m = FUNDUS_PAGE.matcher(f.getFileName().toString());
                            return m.matches() && m.group(1).equals(publisher);
                        })
                        .sorted() // by crawl date: the names differ only in it
                        .toList();
            }
            JsonNode byVersion = json.readTree(expected.toFile());
            List<String> versions = new ArrayList<>();
            byVersion.fieldNames().forEachRemaining(versions::add);
            versions.sort(Comparator.comparing(ExtractionBenchmark::versionNumbers, Arrays::compare));
            if (versions.size() != html.size()) continue; // not a parser's test pages
            for (int i = 0; i < html.size(); i++) {
                String gold = fundusBody(byVersion.get(versions.get(i)).path("body"));
                if (!english(gold)) continue;
                String id = "fu/" + dir.relativize(html.get(i)).toString().replaceFirst("\\.html\\.gz$", "");
                pages.add(new Page(id, split(id), html.get(i), gold, List.of(), List.of()));
            }
        }
        return pages;
    }

    /** The folders of the set taken: 2013 and 2017, the years nearest today's pages. */
    private static final List<String> CHAOS_FOLDERS = List.of("chaos-all", "big5-17", "big5-13");

    /**
     * Utomo and Leu's extraction data (https://github.com/MSVCode/ir-research-data, {@code Extraction/}):
     * "Chaos", 360 pages from about 240 sites found by 36 Google queries in 2017, and "Big9", ten pages
     * from each of nine large news sites (CNN, BBC, Fox News, NY Post, LA Times, Forbes, NYMag, Ars
     * Technica, Yahoo News) per crawl year, of which 2013 and 2017 are used. Gold: {@code gold/X.txt},
     * the page's article as a person copied it out (headline first, then standfirst and body, no
     * captions or related links) for {@code html/X.htm}; mostly windows-1252. Research use only, so it
     * is not committed here.
     */
    static List<Page> loadChaos(Path dir) throws IOException {
        List<Page> pages = new ArrayList<>();
        for (String folder : CHAOS_FOLDERS) {
            Path html = dir.resolve(folder).resolve("html");
            if (!Files.isDirectory(html)) continue;
            try (var files = Files.list(html)) {
                for (Path src : files.sorted().toList()) {
                    String name = src.getFileName().toString().replaceFirst("\\.html?$", "");
                    Path gold = dir.resolve(folder).resolve("gold").resolve(name + ".txt");
                    if (!Files.isRegularFile(gold)) continue;
                    String text = goldText(Files.readAllBytes(gold));
                    if (text.isBlank()) continue;
                    String id = "ch/" + folder + "/" + name.replace(" (", "-").replace(")", "");
                    pages.add(new Page(id, split(id), src, text, List.of(), List.of()));
                }
            }
        }
        return pages;
    }

    /** V1, V1_1, V2 … as numbers, so that V1_10 comes after V1_9. */
    private static int[] versionNumbers(String version) {
        return Arrays.stream(version.substring(1).split("_"))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    private static String fundusBody(JsonNode body) {
        StringBuilder text = new StringBuilder();
        body.path("summary").forEach(n -> text.append(n.asText()).append('\n'));
        for (JsonNode section : body.path("sections")) {
            section.path("headline").forEach(n -> text.append(n.asText()).append('\n'));
            section.path("paragraphs").forEach(n -> text.append(n.asText()).append('\n'));
        }
        return text.toString();
    }

    static boolean english(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
        long all = Arrays.stream(words).filter(w -> !w.isEmpty()).count();
        long function =
                Arrays.stream(words).filter(ENGLISH_FUNCTION_WORDS::contains).count();
        return all >= 50 && function >= 0.15 * all;
    }

    /** Dragnet's gold files are UTF-8, UTF-16 (with a byte-order mark) or Windows-1252. */
    static String goldText(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe)
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff)
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(b))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(b, java.nio.charset.Charset.forName("windows-1252"));
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(norm(n.asText())));
        return out;
    }

    static String norm(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    static String fileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt";
    }

    static void run(List<Page> pages, Path out, double seconds, int worst) throws IOException {
        HtmlTextExtractor step = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        Path kiln = out.resolve("kiln");
        Files.createDirectories(kiln);
        List<byte[]> raw = readAll(pages);
        for (int i = 0; i < pages.size(); i++)
            Files.writeString(kiln.resolve(fileName(pages.get(i).id)), extract(step, pages.get(i).id, raw.get(i)));
        if (seconds > 0) speed(pages, raw, seconds); // 0: quality only, for a tuning loop
        for (Peer peer : PEERS) {
            Path timing = out.resolve(peer.dir()).resolve("timing.json");
            if (!Files.isRegularFile(timing)) continue;
            JsonNode t = new ObjectMapper().readTree(timing.toFile());
            int n = t.get("pages").asInt();
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %5d pages, mean %5.1f KB: %8.1f pages/s (process CPU), %8.1f pages/s (wall), %d failures%n",
                    t.get("peer").asText(),
                    n,
                    t.get("bytes").asLong() / 1024.0 / n,
                    n / t.get("cpuSeconds").asDouble(),
                    n / t.get("wallSeconds").asDouble(),
                    t.get("failures").asInt());
        }
        System.out.println();
        for (String split : List.of("dev", "held-out")) {
            score("kiln", kiln, pages, split, split.equals("dev") ? worst : 0);
            for (Peer peer : PEERS) {
                if (Files.isDirectory(out.resolve(peer.dir())))
                    score(peer.name(), out.resolve(peer.dir()), pages, split, 0);
            }
        }
    }

    static String extract(HtmlTextExtractor step, String id, byte[] raw) {
        PipelineDocument d = PipelineDocument.ofBytes(id, "https://example.org/" + id, raw, "text/html");
        StepResult r = step.apply(d);
        return r.kept() ? d.text() : "";
    }

    static List<byte[]> readAll(List<Page> pages) throws IOException {
        List<byte[]> raw = new ArrayList<>();
        for (Page p : pages) raw.add(html(p.file));
        return raw;
    }

    /** A page's bytes; Fundus keeps its pages gzipped. */
    static byte[] html(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".gz")) return Files.readAllBytes(file);
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    /** One timed case: a label, the pages whose id starts with a prefix, and the work done per page. */
    record SpeedCase(String label, String prefix, BiFunction<String, byte[], Object> work) {}

    /** Rounds per case: each case's figure is its median round. */
    private static final int ROUNDS = 5;

    /**
     * Pages/s of each case on one thread (thread CPU time), SECONDS per case in all. The cases take
     * turns in {@link #ROUNDS} rounds after each was warmed up, and each reports its median round: timed
     * one after the other in one block each, a case measured the machine's load and the JVM's state at
     * its turn (the garbage and compiled code the cases before it left), which moved the same code's
     * figure by 30–40% between runs; and each is first run until its rate stops rising ({@link #warmUp}). Each round starts from a collected heap, so no case pays for
     * another's garbage.
     */
    static void speed(List<Page> pages, List<byte[]> raw, double seconds) {
        HtmlTextExtractor step = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());
        BiFunction<String, byte[], Object> kiln = (id, b) -> extract(step, id, b);
        List<SpeedCase> cases = new ArrayList<>(List.of(
                new SpeedCase("Kiln html_extract, Readability test pages", "rb/", kiln),
                new SpeedCase("Kiln html_extract, Trafilatura eval pages", "tf/", kiln)));
        if (pages.stream().anyMatch(p -> p.id.startsWith("gn/")))
            cases.add(new SpeedCase("Kiln html_extract, L3S-GN1 news pages", "gn/", kiln));
        if (pages.stream().anyMatch(p -> p.id.startsWith("ch/")))
            cases.add(new SpeedCase("Kiln html_extract, Chaos/Big9 news pages", "ch/", kiln));
        // the pages the peers' timing covers: their ratio to Kiln is read off this line
        cases.add(new SpeedCase("Kiln html_extract, every listed page", "", kiln));
        // -Dkiln.bench.cases=rb/,tf/ times only those page sets (a quicker alternation)
        String only = System.getProperty("kiln.bench.cases", "");
        if (!only.isEmpty()) cases.removeIf(c -> !List.of(only.split(",")).contains(c.prefix));
        // what a DOM would cost before any extraction: why the step streams instead
        String base = System.getProperty("kiln.bench.baseline", "");
        if (!base.isEmpty()) {
            BiFunction<String, byte[], Object> old = baseline(Path.of(base));
            int same = 0;
            for (int i = 0; i < pages.size(); i++)
                if (old.apply(pages.get(i).id, raw.get(i)).equals(kiln.apply(pages.get(i).id, raw.get(i)))) same++;
            System.out.printf(Locale.ROOT, "baseline %s: same output on %d of %d pages%n", base, same, pages.size());
            // each baseline case right after its Kiln case: the pair meets the same moment of the machine's load
            for (int c = cases.size() - 1; c >= 0; c--) {
                SpeedCase k = cases.get(c);
                cases.add(c + 1, new SpeedCase(k.label.replace("Kiln", "baseline"), k.prefix, old));
            }
        }
        cases.add(new SpeedCase(
                "jsoup parse alone, Readability test pages",
                "rb/",
                (id, b) -> Jsoup.parse(new String(b, StandardCharsets.UTF_8)).body()));
        System.out.printf(
                Locale.ROOT,
                "java %s, %d available processors, %d rounds of %.1f s per case%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ROUNDS,
                seconds / ROUNDS);
        List<List<Integer>> idx = new ArrayList<>();
        for (SpeedCase c : cases) {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) if (pages.get(i).id.startsWith(c.prefix)) mine.add(i);
            idx.add(mine);
            warmUp(c, mine, pages, raw);
        }
        double[][] cpuRate = new double[cases.size()][ROUNDS], wallRate = new double[cases.size()][ROUNDS];
        for (int r = 0; r < ROUNDS; r++)
            for (int c = 0; c < cases.size(); c++) {
                double[] rates = timed(cases.get(c), idx.get(c), pages, raw, seconds / ROUNDS);
                cpuRate[c][r] = rates[0];
                wallRate[c][r] = rates[1];
            }
        for (int c = 0; c < cases.size(); c++) {
            long bytes = 0;
            for (int i : idx.get(c)) bytes += raw.get(i).length;
            double[] cpu = cpuRate[c].clone();
            Arrays.sort(cpu);
            double median = cpu[ROUNDS / 2];
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %5d pages, mean %5.1f KB: %8.1f pages/s (thread CPU, median; rounds %s), %8.1f pages/s (wall), %.1f MB/s%n",
                    cases.get(c).label,
                    idx.get(c).size(),
                    bytes / 1024.0 / idx.get(c).size(),
                    median,
                    Arrays.stream(cpuRate[c])
                            .mapToObj(x -> String.format(Locale.ROOT, "%.0f", x))
                            .collect(Collectors.joining(" ")),
                    median(wallRate[c]),
                    median * bytes / idx.get(c).size() / 1e6);
        }
        for (int c = 0; c + 1 < cases.size(); c++) {
            if (!cases.get(c + 1).label.startsWith("baseline")) continue;
            double[] ratio = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) ratio[r] = cpuRate[c][r] / cpuRate[c + 1][r];
            System.out.printf(
                    Locale.ROOT,
                    "%-44s Kiln / baseline, median of the rounds' ratios: %.2fx (rounds %s)%n",
                    cases.get(c).label.replace("Kiln html_extract, ", ""),
                    median(ratio),
                    Arrays.stream(ratio)
                            .mapToObj(x -> String.format(Locale.ROOT, "%.2f", x))
                            .collect(Collectors.joining(" ")));
        }
    }

    /**
     * Runs a case until its rate stops rising: half-second slices until one is no faster than 3% over the
     * best before it (at most 20). One pass over the pages was not enough: on a loaded machine the
     * compiler threads wait for a core, and the first seconds of a case ran on code still being compiled.
     */
    private static void warmUp(SpeedCase c, List<Integer> idx, List<Page> pages, List<byte[]> raw) {
        double best = 0;
        for (int k = 0; k < 20; k++) {
            double rate = timed(c, idx, pages, raw, 0.5)[0];
            if (k > 0 && rate <= best * 1.03) return;
            best = Math.max(best, rate);
        }
    }

    /**
     * The step compiled from another commit ({@code -Dkiln.bench.baseline=} its classes directory),
     * loaded child-first beside this one: it checks that both give the same output on every page, and
     * times old and new in turn in the same rounds. The same classes loaded twice measure 0.99x, but two
     * different builds tax the JDK code they share unequally (the build before the speed work ran 25%
     * slower beside the new one than alone), so the ratio to report is from separate JVMs alternated;
     * the paired one shows the direction under the same moment's load.
     */
    static BiFunction<String, byte[], Object> baseline(Path classes) {
        try {
            URLClassLoader loader =
                    new URLClassLoader(
                            new URL[] {classes.toUri().toURL()}, ExtractionBenchmark.class.getClassLoader()) {
                        @Override
                        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                            if (!name.startsWith("dev.kiln.corpus.")) return super.loadClass(name, resolve);
                            synchronized (getClassLoadingLock(name)) {
                                Class<?> c = findLoadedClass(name);
                                if (c == null) {
                                    try {
                                        c = findClass(name);
                                    } catch (ClassNotFoundException e) {
                                        c = super.loadClass(name, false);
                                    }
                                }
                                if (resolve) resolveClass(c);
                                return c;
                            }
                        }
                    };
            Class<?> cfgClass = loader.loadClass(PipelineConfig.Extraction.class.getName());
            Class<?> stepClass = loader.loadClass(HtmlTextExtractor.class.getName());
            Class<?> docClass = loader.loadClass(PipelineDocument.class.getName());
            Object step = stepClass
                    .getConstructor(cfgClass)
                    .newInstance(cfgClass.getMethod("defaults").invoke(null));
            Method ofBytes = docClass.getMethod("ofBytes", String.class, String.class, byte[].class, String.class);
            Method apply = stepClass.getMethod("apply", docClass);
            Method kept = loader.loadClass(StepResult.class.getName()).getMethod("kept");
            Method text = docClass.getMethod("text");
            return (id, b) -> {
                try {
                    Object d = ofBytes.invoke(null, id, "https://example.org/" + id, b, "text/html");
                    return (boolean) kept.invoke(apply.invoke(step, d)) ? text.invoke(d) : "";
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (ReflectiveOperationException | MalformedURLException e) {
            throw new IllegalStateException("baseline classes in " + classes, e);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Runs the case's pages over and over for {@code seconds} of thread CPU: {pages/s CPU, pages/s wall}. */
    private static double[] timed(SpeedCase c, List<Integer> idx, List<Page> pages, List<byte[]> raw, double seconds) {
        System.gc();
        long limit = (long) (seconds * 1e9), n = 0;
        long c0 = MX.getCurrentThreadCpuTime(), w0 = System.nanoTime();
        while (MX.getCurrentThreadCpuTime() - c0 < limit) {
            for (int i : idx) c.work.apply(pages.get(i).id, raw.get(i));
            n += idx.size();
        }
        double cpu = (MX.getCurrentThreadCpuTime() - c0) / 1e9, wall = (System.nanoTime() - w0) / 1e9;
        return new double[] {n / cpu, n / wall};
    }

    record Full(String id, double p, double r, double bowP, double bowR, boolean empty) {
        double f1() {
            return f(p, r);
        }
    }

    static double f(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** The corpora with whole gold texts, by id prefix, scored by word shingles. */
    private static final List<Map.Entry<String, String>> FULL_TEXT_CORPORA = List.of(
            Map.entry("rb/", "Readability pages"),
            Map.entry("gn/", "L3S-GN1 news pages"),
            Map.entry("dn/", "Dragnet pages"),
            Map.entry("fu/", "Fundus news pages"),
            Map.entry("ch/", "Chaos/Big9 news pages 2013-17"));

    static void score(String who, Path dir, List<Page> pages, String split, int worst) throws IOException {
        List<Full> full = new ArrayList<>();
        long tp = 0, fp = 0, fn = 0, tn = 0, tfPages = 0, tfEmpty = 0;
        List<String> snippetLosses = new ArrayList<>();
        // each page's shingle P and R, so that two runs can be compared page by page
        StringBuilder perPage = new StringBuilder();
        for (Page p : pages) {
            if (!p.split.equals(split)) continue;
            Path f = dir.resolve(fileName(p.id));
            if (!Files.isRegularFile(f)) continue; // a peer run cut short: score the pages it did
            String text = Files.readString(f);
            if (p.full()) {
                double[] sh =
                        TextOverlap.precisionRecall(TextOverlap.shingles(p.goldText, 4), TextOverlap.shingles(text, 4));
                double[] bow =
                        TextOverlap.precisionRecall(TextOverlap.shingles(p.goldText, 1), TextOverlap.shingles(text, 1));
                full.add(new Full(p.id, sh[0], sh[1], bow[0], bow[1], text.isBlank()));
                perPage.append(String.format(Locale.ROOT, "%s\t%s\t%.4f\t%.4f%n", p.id, split, sh[0], sh[1]));
            } else {
                tfPages++;
                if (text.isBlank()) tfEmpty++;
                String n = norm(text);
                StringBuilder lost = new StringBuilder();
                for (String w : p.with)
                    if (n.contains(w)) tp++;
                    else {
                        fn++;
                        lost.append("\n      missed: ").append(w);
                    }
                for (String w : p.without)
                    if (n.contains(w)) {
                        fp++;
                        lost.append("\n      leaked: ").append(w);
                    } else tn++;
                if (lost.length() > 0) snippetLosses.add("    " + p.id + (text.isBlank() ? " (empty)" : "") + lost);
            }
        }
        Files.writeString(dir.resolve("scores-" + split + ".tsv"), perPage.toString());
        for (Map.Entry<String, String> corpus : FULL_TEXT_CORPORA) {
            List<Full> set = new ArrayList<>(
                    full.stream().filter(x -> x.id.startsWith(corpus.getKey())).toList());
            if (set.isEmpty()) continue;
            double mp = set.stream().mapToDouble(Full::p).average().orElse(0);
            double mr = set.stream().mapToDouble(Full::r).average().orElse(0);
            double bp = set.stream().mapToDouble(Full::bowP).average().orElse(0);
            double br = set.stream().mapToDouble(Full::bowR).average().orElse(0);
            System.out.printf(
                    Locale.ROOT,
                    "%-15s %-8s %-18s (%3d): shingle P %.3f R %.3f F1 %.3f | bag-of-words P %.3f R %.3f F1 %.3f | empty %d%n",
                    who,
                    split,
                    corpus.getValue(),
                    set.size(),
                    mp,
                    mr,
                    f(mp, mr),
                    bp,
                    br,
                    f(bp, br),
                    set.stream().filter(Full::empty).count());
            if (worst > 0) {
                set.sort(Comparator.comparingDouble(Full::f1));
                for (Full x : set.subList(0, Math.min(worst, set.size())))
                    System.out.printf(
                            Locale.ROOT, "    %-50s P %.3f R %.3f%s%n", x.id, x.p, x.r, x.empty ? " (empty)" : "");
            }
        }
        double sp = tp + fp == 0 ? 0 : (double) tp / (tp + fp), sr = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        System.out.printf(
                Locale.ROOT,
                "%-15s %-8s Trafilatura pages (%3d): snippet P %.3f R %.3f F1 %.3f accuracy %.3f | empty %d%n",
                who,
                split,
                tfPages,
                sp,
                sr,
                f(sp, sr),
                (double) (tp + tn) / Math.max(1, tp + fp + fn + tn),
                tfEmpty);
        if (worst > 0) {
            // every snippet page that lost or leaked something, with the snippets: the tuning loop's list
            snippetLosses.forEach(System.out::println);
        }
    }
}
