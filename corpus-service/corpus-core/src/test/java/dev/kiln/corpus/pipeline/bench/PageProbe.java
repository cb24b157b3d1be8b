package dev.kiln.corpus.pipeline.bench;

import dev.kiln.corpus.pipeline.extract.CharsetSniffer;
import dev.kiln.corpus.pipeline.extract.HtmlMainText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tuning aid beside {@link ExtractionBenchmark}: {@code scores RB TF OUT_DIR} prints every full-text
 * page's shingle P/R of the outputs in OUT_DIR (to compare two runs page by page); {@code blocks FILE}
 * prints one page's blocks with their keep flags, link characters and words (what the selector saw).
 */
public final class PageProbe {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("leaks")) { // short kept lines where a leaked run starts, over all dev pages
            for (ExtractionBenchmark.Page p : pages(args)) {
                if (!p.full() || !p.split().equals("dev")) continue;
                var gold = TextOverlap.shingles(p.goldText(), 4);
                byte[] raw = ExtractionBenchmark.html(p.file());
                String html = CharsetSniffer.decode(raw, "text/html", true, StandardCharsets.UTF_8)
                        .text();
                HtmlMainText.Result r = HtmlMainText.extract(html, 0.5);
                List<Integer> kept = new ArrayList<>();
                for (int k = 0; k < r.kept().length; k++) if (r.kept()[k]) kept.add(k);
                for (int i = 1; i < kept.size(); i++) {
                    HtmlMainText.Block b = r.blocks().get(kept.get(i));
                    if (b.words() > 10) continue;
                    long in = 0, all = 0, inBefore = 0, allBefore = 0;
                    for (int j = i + 1; j < kept.size() && j <= i + 8; j++) {
                        var sh =
                                TextOverlap.shingles(r.blocks().get(kept.get(j)).text(), 4);
                        for (var e : sh.entrySet()) {
                            all += e.getValue();
                            if (gold.containsKey(e.getKey())) in += e.getValue();
                        }
                    }
                    for (int j = Math.max(0, i - 3); j < i; j++) {
                        var sh =
                                TextOverlap.shingles(r.blocks().get(kept.get(j)).text(), 4);
                        for (var e : sh.entrySet()) {
                            allBefore += e.getValue();
                            if (gold.containsKey(e.getKey())) inBefore += e.getValue();
                        }
                    }
                    if (all >= 15 && in < 0.1 * all && allBefore > 0 && inBefore > 0.6 * allBefore)
                        System.out.println(p.id() + "\t" + all + "\t" + b.text());
                }
            }
            return;
        }
        if (args[0].equals("blocks")) {
            String file = args[1];
            java.util.Map<String, Integer> gold = null;
            if (args.length > 3) {
                for (ExtractionBenchmark.Page p : pages(args))
                    if (p.id().equals(args[1]) && p.full()) {
                        file = p.file().toString();
                        gold = TextOverlap.shingles(p.goldText(), 4);
                    }
            }
            byte[] raw = ExtractionBenchmark.html(Path.of(file));
            String html = CharsetSniffer.decode(raw, "text/html", true, StandardCharsets.UTF_8)
                    .text();
            HtmlMainText.Result r = HtmlMainText.extract(html, 0.5);
            for (int k = 0; k < r.blocks().size(); k++) {
                HtmlMainText.Block b = r.blocks().get(k);
                String t = b.text();
                System.out.printf(
                        Locale.ROOT,
                        "%s %s %4d w%-4d l%-4d %s%s el%-5d bx%-4d| %s%n",
                        r.kept()[k] ? "+" : "-",
                        gold == null ? "" : inGold(gold, t),
                        k,
                        b.words(),
                        b.linkChars(),
                        b.heading() ? "H" : " ",
                        b.listItem() ? "L" : " ",
                        b.element(),
                        b.box(),
                        t.length() > 160 ? t.substring(0, 160) + "…" : t);
            }
            return;
        }
        List<ExtractionBenchmark.Page> pages = pages(new String[] {"", "", args[1], args[2]});
        Path dir = Path.of(args[3]);
        for (ExtractionBenchmark.Page p : pages) {
            if (!p.full()) continue;
            Path f = dir.resolve(ExtractionBenchmark.fileName(p.id()));
            if (!Files.isRegularFile(f)) continue;
            double[] sh = TextOverlap.precisionRecall(
                    TextOverlap.shingles(p.goldText(), 4), TextOverlap.shingles(Files.readString(f), 4));
            System.out.printf(Locale.ROOT, "%s\t%s\t%.3f\t%.3f\t%s%n", p.id(), p.split(), sh[0], sh[1], p.file());
        }
    }

    private static String inGold(java.util.Map<String, Integer> gold, String text) {
        var sh = TextOverlap.shingles(text, 4);
        if (sh.isEmpty()) return "  ?";
        int in = 0, all = 0;
        for (var e : sh.entrySet()) {
            all += e.getValue();
            if (gold.containsKey(e.getKey())) in += e.getValue();
        }
        return String.format(Locale.ROOT, "%3d", 100 * in / all);
    }

    private static List<ExtractionBenchmark.Page> pages(String[] args) throws Exception {
        List<ExtractionBenchmark.Page> pages =
                new ArrayList<>(ExtractionBenchmark.load(Path.of(args[2]), Path.of(args[3])));
        String l3s = System.getProperty("kiln.bench.l3s", "");
        if (!l3s.isEmpty()) pages.addAll(ExtractionBenchmark.loadL3s(Path.of(l3s)));
        String dragnet = System.getProperty("kiln.bench.dragnet", "");
        if (!dragnet.isEmpty()) pages.addAll(ExtractionBenchmark.loadDragnet(Path.of(dragnet)));
        String fundus = System.getProperty("kiln.bench.fundus", "");
        if (!fundus.isEmpty()) pages.addAll(ExtractionBenchmark.loadFundus(Path.of(fundus)));
        String chaos = System.getProperty("kiln.bench.chaos", "");
        if (!chaos.isEmpty()) pages.addAll(ExtractionBenchmark.loadChaos(Path.of(chaos)));
        return pages;
    }
}
