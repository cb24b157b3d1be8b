package dev.kiln.corpus.engine;

import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.io.JsonlDocumentReader;
import dev.kiln.corpus.pipeline.io.ReadStats;
import dev.kiln.corpus.pipeline.io.WarcDocumentReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a file on the server into the engine: a WARC file, or a JSONL file or directory tree. Stops
 * at a document limit or when the caller cancels, reports progress at most once a second, and counts
 * the records the reader skipped together with the documents the pipeline dropped.
 */
public final class FileIngest {

    /** Progress reports, at most one per this many nanoseconds. */
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;
    /** Longest wait for the global dedup verdicts of a file's last documents. */
    private static final long VERDICT_TIMEOUT_SECONDS = 120;

    /** What a file holds. */
    public enum Format {
        WARC,
        JSONL
    }

    /** How far a file ingest is: the tally so far and the reader's position. */
    public record Progress(IngestTally.Counts counts, long recordsRead, long bytesRead, long bytesTotal) {}

    /** A finished file ingest: the last progress (all bytes read) and the summary. */
    public record Result(Progress progress, IngestTally.Summary summary) {}

    private final CorpusEngine engine;
    private final DocumentLimits limits;

    FileIngest(CorpusEngine engine, DocumentLimits limits) {
        this.engine = engine;
        this.limits = limits;
    }

    /** Thrown into a reader to stop it: the limit was reached or the caller cancelled. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs every document of {@code file} through the engine and flushes the writer.
     *
     * @param file a real path already checked against the input roots
     * @param limit documents to read at most; 0 reads all
     * @param cancelled asked before each document; once true, reading stops and nothing is flushed
     * @param progress receives a report at most once a second while reading
     * @return the result, or empty when the caller cancelled (what was read stays ingested)
     * @throws InputNotFoundException when nothing is at {@code file}
     * @throws UnsupportedInputException when the file is not of {@code format}
     * @throws InputUnreadableException when it cannot be read
     */
    Optional<Result> run(Format format, Path file, long limit, BooleanSupplier cancelled, Consumer<Progress> progress) {
        if (!Files.exists(file)) {
            throw new InputNotFoundException(file + " does not exist on the corpus server");
        }
        try {
            long total = Files.isDirectory(file) ? 0 : Files.size(file);
            IngestTally tally = new IngestTally();
            ReadStats stats = new ReadStats();
            long[] lastProgress = {System.nanoTime()};
            long[] count = {0};
            Consumer<PipelineDocument> sink = document -> {
                if (cancelled.getAsBoolean() || (limit > 0 && count[0] >= limit)) {
                    throw new StopReading();
                }
                count[0]++;
                tally.record(engine.ingest(document, tally.receipt()));
                if (System.nanoTime() - lastProgress[0] > PROGRESS_EVERY_NANOS) {
                    lastProgress[0] = System.nanoTime();
                    progress.accept(new Progress(tally.counts(), stats.records(), stats.bytes(), total));
                }
            };
            try {
                read(format, file, sink, stats);
            } catch (StopReading stop) {
                if (cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
            }
            tally.awaitOutcomes(VERDICT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            engine.writer().flush();
            tally.readerSkipped(stats.skippedByReason());
            Progress last = new Progress(tally.counts(), stats.records(), Math.max(stats.bytes(), total), total);
            return Optional.of(new Result(last, tally.summary()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dedup verdicts", e);
        } catch (IOException e) {
            throw new InputUnreadableException("cannot read " + format + " input " + file + ": " + e.getMessage(), e);
        }
    }

    private void read(Format format, Path file, Consumer<PipelineDocument> sink, ReadStats stats) throws IOException {
        switch (format) {
            case WARC -> {
                String name = file.getFileName().toString();
                if (!name.endsWith(".warc") && !name.endsWith(".warc.gz")) {
                    throw new UnsupportedInputException(file + " is not a .warc or .warc.gz file");
                }
                new WarcDocumentReader(limits.maxBytes()).read(file, sink, stats, position -> {});
            }
            case JSONL -> {
                List<Path> files = JsonlDocumentReader.files(file);
                if (files.isEmpty()) {
                    throw new UnsupportedInputException(file + " holds no .jsonl or .jsonl.gz file");
                }
                JsonlDocumentReader reader = new JsonlDocumentReader();
                for (Path f : files) {
                    reader.readFile(f, sink, stats);
                }
            }
        }
    }
}
