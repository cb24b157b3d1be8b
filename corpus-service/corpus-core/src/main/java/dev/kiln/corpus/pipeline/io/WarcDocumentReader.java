package dev.kiln.corpus.pipeline.io;

import dev.kiln.corpus.pipeline.PipelineDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MessageBody;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResource;
import org.netpreserve.jwarc.WarcResponse;

/**
 * Reads WARC and WARC.gz files (jwarc detects the compression) into {@link PipelineDocument}s:
 * {@code response} records (HTTP payload, HTTP Content-Type, transfer/content encodings undone; non-2xx
 * skipped as {@code http_status}), {@code resource} records (WARC Content-Type) and {@code conversion}
 * records (WET plain text). Other record types are skipped ({@code type:<name>}). Bodies larger than
 * {@code maxBodyBytes} are cut at {@code maxBodyBytes + 1} bytes and marked, so the extractor drops them
 * as {@code too_large} without the reader holding gigabytes.
 *
 * <p>A malformed record is counted ({@code malformed_http}, {@code malformed_record}), never fatal: for
 * a broken WARC header the reader scans forward to the next record start ("WARC/1." line in plain
 * files, the next gzip member in .gz files) and continues; a truncated file ends the read with
 * {@code truncated}.
 */
public final class WarcDocumentReader {
    private final long maxBodyBytes;

    public WarcDocumentReader(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public WarcDocumentReader() {
        this(10L << 20);
    }

    /** Reads the whole file, handing each document to {@code sink}; returns the counters. */
    public ReadStats read(Path file, Consumer<PipelineDocument> sink) throws IOException {
        ReadStats stats = new ReadStats();
        read(file, sink, stats, pos -> {});
        return stats;
    }

    /**
     * Reads the whole file into {@code stats}; {@code progress} receives the byte offset after each
     * record (for IngestWarc progress). IOExceptions opening the file propagate; problems inside it are counted.
     */
    public void read(Path file, Consumer<PipelineDocument> sink, ReadStats stats, LongConsumer progress)
            throws IOException {
        long fileSize = Files.size(file);
        try (WarcReader reader = new WarcReader(file)) {
            reader.onWarning(w -> stats.skip("warning"));
            boolean gz = reader.compression() != org.netpreserve.jwarc.WarcCompression.NONE;
            long lastGood = reader.position();
            while (true) {
                Optional<WarcRecord> next;
                try {
                    next = reader.next();
                } catch (IOException | RuntimeException e) {
                    stats.record();
                    stats.skip("malformed_record");
                    long resume = findNextRecord(file, lastGood + 1, gz);
                    if (resume < 0 || resume <= lastGood) break;
                    try {
                        reader.position(resume);
                    } catch (IOException e2) {
                        stats.skip("truncated");
                        break;
                    }
                    lastGood = resume;
                    continue;
                }
                if (next.isEmpty()) break;
                stats.record();
                WarcRecord rec = next.get();
                try {
                    PipelineDocument doc = toDocument(rec, stats);
                    if (doc != null) {
                        stats.document();
                        sink.accept(doc);
                    }
                } catch (IOException | RuntimeException e) {
                    stats.skip(
                            e instanceof org.netpreserve.jwarc.ParsingException
                                    ? "malformed_http"
                                    : "malformed_record");
                }
                long pos = reader.position();
                if (pos > lastGood) lastGood = pos;
                progress.accept(Math.min(pos, fileSize));
            }
            stats.bytes(fileSize);
        }
    }

    private PipelineDocument toDocument(WarcRecord rec, ReadStats stats) throws IOException {
        if (rec instanceof WarcResponse resp) {
            HttpResponse http;
            try {
                http = resp.http();
            } catch (IOException | RuntimeException e) {
                stats.skip("malformed_http");
                return null;
            }
            if (http.status() < 200 || http.status() >= 300) {
                stats.skip("http_status");
                return null;
            }
            String ct = http.headers().first("Content-Type").orElse(null);
            MessageBody body;
            try {
                body = http.bodyDecoded();
            } catch (IOException | RuntimeException e) {
                body = http.body();
            }
            Body b = readBody(body.stream());
            return make(rec, resp.target(), b, ct);
        }
        if (rec instanceof WarcResource res) {
            Body b = readBody(res.body().stream());
            return make(rec, res.target(), b, res.contentType().toString());
        }
        if (rec instanceof WarcConversion conv) {
            Body b = readBody(conv.body().stream());
            String ct = conv.contentType().toString();
            if (!ct.toLowerCase(java.util.Locale.ROOT).contains("charset")) ct = ct + "; charset=utf-8";
            return make(rec, conv.target(), b, ct);
        }
        stats.skip("type:" + rec.type());
        return null;
    }

    private record Body(byte[] bytes, boolean truncated) {}

    private Body readBody(InputStream in) throws IOException {
        long cap = maxBodyBytes + 1;
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, cap));
        boolean truncated = data.length >= cap;
        return new Body(data, truncated);
    }

    private static PipelineDocument make(WarcRecord rec, String target, Body b, String contentType) {
        PipelineDocument d = PipelineDocument.ofBytes(rec.id().toString(), target, b.bytes(), contentType);
        d.metadata().put("warc_type", rec.type());
        d.metadata().put("warc_date", rec.date().toString());
        if (b.truncated()) d.metadata().put("truncated", true);
        return d;
    }

    /** Byte offset of the next plausible record start after {@code from}, or -1. */
    static long findNextRecord(Path file, long from, boolean gz) throws IOException {
        byte[] needle = gz
                ? new byte[] {0x1f, (byte) 0x8b, 0x08}
                : "\nWARC/1.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            byte[] buf = new byte[1 << 16];
            long pos = Math.max(0, from);
            while (pos < len) {
                raf.seek(pos);
                int n = raf.read(buf);
                if (n <= 0) break;
                outer:
                for (int i = 0; i + needle.length <= n; i++) {
                    for (int j = 0; j < needle.length; j++) if (buf[i + j] != needle[j]) continue outer;
                    return gz ? pos + i : pos + i + 1;
                }
                if (n < needle.length) break;
                pos += n - needle.length + 1;
            }
        }
        return -1;
    }
}
