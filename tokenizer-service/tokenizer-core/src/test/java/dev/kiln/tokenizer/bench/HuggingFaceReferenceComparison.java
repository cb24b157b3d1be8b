package dev.kiln.tokenizer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.tokenizer.BundleTokenizerFiles;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.SpecialTokenPolicy;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Kiln against transformers.js on real tokenizer.json files (bench/hf-tokenizer-parity/bench.sh runs
 * both on the same documents): {@code dump} writes the Europarl bench corpus as JSON lines for the JS
 * side; {@code compare} encodes it with Kiln (with special tokens, as transformers.js does by default),
 * counts id mismatches against the ids transformers.js wrote, and reports MB/s by thread CPU time (best
 * round after a warm-up), so the busy shared machine inflates the numbers less.
 */
public final class HuggingFaceReferenceComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceReferenceComparison() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("dump")) {
            try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
                for (String doc : BenchCorpus.documents("all")) {
                    w.write(JSON.writeValueAsString(doc));
                    w.newLine();
                }
            }
            return;
        }
        Encoding encoding = BundleTokenizerFiles.read(Path.of(args[1]));
        List<String> docs = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8).stream()
                .map(HuggingFaceReferenceComparison::text)
                .toList();
        List<String> expected = Files.readAllLines(Path.of(args[3]), StandardCharsets.UTF_8);
        int rounds = Integer.parseInt(args[4]);
        long tokens = 0;
        int mismatchedDocs = 0;
        for (int i = 0; i < docs.size(); i++) {
            int[] ids = encoding.encodeWithSpecialTokens(docs.get(i), SpecialTokenPolicy.allowAll());
            int[] reference = JSON.readValue(expected.get(i), int[].class);
            tokens += reference.length;
            if (!Arrays.equals(ids, reference)) {
                mismatchedDocs++;
            }
        }
        double mb = docs.stream()
                        .mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length)
                        .sum()
                / 1e6;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = 0;
        for (int r = 0; r <= rounds; r++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (String d : docs) {
                encoding.encodeWithSpecialTokens(d, SpecialTokenPolicy.allowAll());
            }
            long t1 = threads.getCurrentThreadCpuTime();
            if (r > 0) {
                best = Math.max(best, mb / ((t1 - t0) / 1e9));
            }
        }
        System.out.printf(
                "kiln %s: %d documents, %.2f MB, %d reference tokens, %d documents with different ids, %.2f MB/s%n",
                args[1], docs.size(), mb, tokens, mismatchedDocs, best);
    }

    private static String text(String jsonLine) {
        try {
            JsonNode node = JSON.readTree(jsonLine);
            return node.asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
