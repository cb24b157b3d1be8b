package dev.kiln.corpus.pipeline.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.corpus.pipeline.PipelineDocument;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads JSONL documents from a file or a directory tree of {@code .jsonl} / {@code .jsonl.gz} files
 * (sorted by path): one JSON object a line with {@code id}, {@code url} and either {@code text} (plain
 * text) or {@code html} (markup, extracted later); other fields become metadata. Lines that are not JSON
 * objects or have neither text nor html are counted ({@code bad_json}, {@code no_content}); blank lines
 * are ignored. A missing id becomes {@code <file>:<line>}.
 */
public final class JsonlDocumentReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ReadStats read(Path fileOrDir, Consumer<PipelineDocument> sink) throws IOException {
        ReadStats stats = new ReadStats();
        for (Path f : files(fileOrDir)) readFile(f, sink, stats);
        return stats;
    }

    public static List<Path> files(Path fileOrDir) throws IOException {
        if (!Files.isDirectory(fileOrDir)) return List.of(fileOrDir);
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(fileOrDir)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".jsonl") || n.endsWith(".jsonl.gz");
                    })
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    public void readFile(Path file, Consumer<PipelineDocument> sink, ReadStats stats) throws IOException {
        stats.bytes(Files.size(file));
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            long lineNo = 0;
            while (true) {
                try {
                    line = r.readLine();
                } catch (IOException e) {
                    stats.skip("truncated");
                    break;
                }
                if (line == null) break;
                lineNo++;
                if (line.isBlank()) continue;
                stats.record();
                PipelineDocument doc = parse(line, file.getFileName() + ":" + lineNo, stats);
                if (doc != null) {
                    stats.document();
                    sink.accept(doc);
                }
            }
        }
    }

    static PipelineDocument parse(String line, String fallbackId, ReadStats stats) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            stats.skip("bad_json");
            return null;
        }
        if (n == null || !n.isObject()) {
            stats.skip("bad_json");
            return null;
        }
        String id = n.hasNonNull("id") ? n.get("id").asText() : fallbackId;
        String url = n.hasNonNull("url") ? n.get("url").asText() : null;
        PipelineDocument d;
        if (n.hasNonNull("text") && n.get("text").isTextual()) {
            d = PipelineDocument.ofText(id, url, n.get("text").asText());
        } else if (n.hasNonNull("html") && n.get("html").isTextual()) {
            d = PipelineDocument.ofBytes(
                    id, url, n.get("html").asText().getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        } else {
            stats.skip("no_content");
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.equals("id") || k.equals("url") || k.equals("text") || k.equals("html")) continue;
            d.metadata()
                    .put(
                            k,
                            e.getValue().isValueNode()
                                    ? e.getValue().asText()
                                    : e.getValue().toString());
        }
        return d;
    }
}
