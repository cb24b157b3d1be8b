import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Language ID on short text: Kiln's identifier against lingua and optimaize in the same run, on held-out
 * Europarl paragraphs (sittings never used to build or calibrate Kiln's model, see {@link EuroparlSplit})
 * cut to 50 and 100 characters and whole, and on short non-Europarl texts (short-texts.tsv). A text is
 * "kept as L" when the system's probability for L is above FineWeb's 0.65. Run with bench/langid.sh.
 */
public final class LanguageIdBench {
    static final double THRESHOLD = 0.65;
    static final List<String> EU21 = List.of(
            "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu", "it", "lt", "lv", "nl", "pl", "pt", "ro",
            "sk", "sl", "sv");
    static final int[] LENGTHS = {Integer.MAX_VALUE, 100, 50};
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    record Item(String lang, String text) {}

    public static void main(String[] args) throws Exception {
        int perLanguage = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path shortTexts = Path.of(args.length > 1 ? args[1] : "bench/langid/short-texts.tsv");
        System.out.printf(Locale.ROOT, "java %s; %d paragraphs per language at most%n", System.getProperty("java.version"), perLanguage);
        long t0 = System.nanoTime();
        Peers.Detector kiln = Peers.kiln();
        kiln.scores("warm up");
        System.out.printf(Locale.ROOT, "kiln model load: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        t0 = System.nanoTime();
        Peers.Detector lingua = Peers.lingua();
        lingua.scores("warm up");
        System.out.printf(Locale.ROOT, "lingua build (models load lazily per language): %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        Peers.Detector optimaize = Peers.optimaize();
        List<Peers.Detector> systems = List.of(kiln, lingua, optimaize);

        List<Item> eval = evaluationParagraphs(lingua, optimaize, perLanguage);
        for (int len : LENGTHS) {
            List<Item> cut = new ArrayList<>();
            for (Item i : eval) cut.add(new Item(i.lang, i.text.substring(0, Math.min(len, i.text.length()))));
            String title = len == Integer.MAX_VALUE ? "whole paragraph" : "first " + len + " characters";
            report(title, cut, systems, true);
        }
        List<Item> shorts = new ArrayList<>();
        for (String line : Files.readAllLines(shortTexts)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] p = line.split("\t", 2);
            shorts.add(new Item(p[0], p[1]));
        }
        report("short non-Europarl texts (" + shortTexts.getFileName() + ")", shorts, systems, false);
    }

    /** Held-out paragraphs ≥ 100 chars, labelled by lingua and optimaize agreeing on the whole Europarl line. */
    static List<Item> evaluationParagraphs(Peers.Detector a, Peers.Detector b, int perLanguage) {
        Map<String, List<Item>> byLang = new TreeMap<>();
        int lines = 0, disagreed = 0;
        for (EuroparlSplit.Line l : EuroparlSplit.lines()) {
            if (l.part() != EuroparlSplit.Part.EVALUATION) continue;
            lines++;
            String la = Peers.best(a.scores(l.body())), lb = Peers.best(b.scores(l.body()));
            if (!la.equals(lb) || !EU21.contains(la)) {
                disagreed++;
                continue;
            }
            for (String p : EuroparlSplit.paragraphs(l.body(), 100)) byLang.computeIfAbsent(la, k -> new ArrayList<>()).add(new Item(la, p));
        }
        List<Item> out = new ArrayList<>();
        Random rnd = new Random(15);
        StringBuilder counts = new StringBuilder();
        for (Map.Entry<String, List<Item>> e : byLang.entrySet()) {
            List<Item> l = e.getValue();
            Collections.shuffle(l, rnd);
            List<Item> take = l.subList(0, Math.min(perLanguage, l.size()));
            out.addAll(take);
            counts.append(' ').append(e.getKey()).append('=').append(take.size());
        }
        System.out.printf(Locale.ROOT, "evaluation: %d held-out Europarl lines, %d left out (labellers disagree or not one of the 21), %d paragraphs:%s%n",
                lines, disagreed, out.size(), counts);
        return out;
    }

    /** Top scores in bins of 0.1 from 0.5: the mean score against how often the top language was right. */
    static String reliability(List<Item> items, List<Map<String, Double>> results) {
        double[] sum = new double[6];
        int[] n = new int[6], right = new int[6];
        for (int k = 0; k < items.size(); k++) {
            Map<String, Double> s = results.get(k);
            String best = Peers.best(s);
            double p = s.getOrDefault(best, 0.0);
            int bin = p < 0.5 ? 0 : Math.min(5, 1 + (int) ((p - 0.5) * 10));
            sum[bin] += p;
            n[bin]++;
            if (best.equals(items.get(k).lang)) right[bin]++;
        }
        StringBuilder sb = new StringBuilder();
        String[] names = {"<0.5", "0.5–0.6", "0.6–0.7", "0.7–0.8", "0.8–0.9", "0.9–1"};
        for (int b = 0; b < 6; b++)
            if (n[b] > 0)
                sb.append(String.format(Locale.ROOT, "%s: %.3f → %.3f (%d); ", names[b], sum[b] / n[b], (double) right[b] / n[b], n[b]));
        return sb.toString();
    }

    static void report(String title, List<Item> items, List<Peers.Detector> systems, boolean perLanguage) {
        System.out.printf(Locale.ROOT, "%n### %s: %d texts%n%n", title, items.size());
        System.out.println("| system | accuracy (top language) | en precision @0.65 | en recall @0.65 | macro precision @0.65 | macro recall @0.65 | texts/s (1 thread, CPU time) |");
        System.out.println("|---|---|---|---|---|---|---|");
        Map<String, Map<String, double[]>> perSystem = new LinkedHashMap<>();
        Map<String, String> reliability = new LinkedHashMap<>();
        for (Peers.Detector d : systems) {
            Map<String, int[]> tally = new TreeMap<>(); // lang → tp, fp, fn
            int correct = 0;
            List<Map<String, Double>> results = new ArrayList<>(items.size());
            long cpu = MX.getCurrentThreadCpuTime();
            for (Item i : items) results.add(d.scores(i.text));
            double seconds = (MX.getCurrentThreadCpuTime() - cpu) / 1e9;
            Set<String> langs = new java.util.TreeSet<>();
            for (Item i : items) langs.add(i.lang);
            for (int k = 0; k < items.size(); k++) {
                Item i = items.get(k);
                Map<String, Double> s = results.get(k);
                if (Peers.best(s).equals(i.lang)) correct++;
                for (String l : langs) {
                    boolean kept = s.getOrDefault(l, 0.0) > THRESHOLD;
                    int[] t = tally.computeIfAbsent(l, x -> new int[3]);
                    if (kept && l.equals(i.lang)) t[0]++;
                    else if (kept) t[1]++;
                    else if (l.equals(i.lang)) t[2]++;
                }
            }
            Map<String, double[]> pr = new TreeMap<>();
            double mp = 0, mr = 0;
            for (Map.Entry<String, int[]> e : tally.entrySet()) {
                int[] t = e.getValue();
                double p = t[0] + t[1] == 0 ? 1 : (double) t[0] / (t[0] + t[1]);
                double r = t[0] + t[2] == 0 ? 1 : (double) t[0] / (t[0] + t[2]);
                pr.put(e.getKey(), new double[] {p, r});
                mp += p;
                mr += r;
            }
            perSystem.put(d.name(), pr);
            reliability.put(d.name(), reliability(items, results));
            double[] en = pr.getOrDefault("en", new double[] {Double.NaN, Double.NaN});
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %,.0f |%n", d.name(), (double) correct / items.size(),
                    en[0], en[1], mp / pr.size(), mr / pr.size(), items.size() / seconds);
        }
        System.out.println();
        System.out.println("Reliability of the top score (bin: mean score → fraction right, texts):");
        reliability.forEach((k, v) -> System.out.println("- " + k + ": " + v));
        if (!perLanguage) return;
        System.out.println();
        StringBuilder h = new StringBuilder("| language |");
        StringBuilder sep = new StringBuilder("|---|");
        for (String s : perSystem.keySet()) {
            h.append(' ').append(s).append(" P / R |");
            sep.append("---|");
        }
        System.out.println(h);
        System.out.println(sep);
        for (String lang : perSystem.values().iterator().next().keySet()) {
            StringBuilder row = new StringBuilder("| " + lang + " |");
            for (Map<String, double[]> pr : perSystem.values()) {
                double[] v = pr.get(lang);
                row.append(String.format(Locale.ROOT, " %.3f / %.3f |", v[0], v[1]));
            }
            System.out.println(row);
        }
    }
}
