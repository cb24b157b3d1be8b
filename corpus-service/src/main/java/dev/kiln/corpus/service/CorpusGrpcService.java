package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStats;
import dev.kiln.corpus.pipeline.StepStats;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.corpus.pipeline.io.JsonlDocumentReader;
import dev.kiln.corpus.pipeline.io.ReadStats;
import dev.kiln.corpus.pipeline.io.WarcDocumentReader;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import dev.kiln.proto.corpus.v1.IngestWarcRequest;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.corpus.v1.PipelineStats.Builder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * gRPC adapter of the corpus service: validates requests, feeds documents to the engine, maps
 * counters. Pipeline work is CPU work, so every RPC runs on worker threads.
 */
@GrpcService
public class CorpusGrpcService extends CorpusServiceGrpc.CorpusServiceImplBase {

    /** Progress messages of a file ingest, at most one per this many nanoseconds. */
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    @Inject
    CorpusRuntime runtime;

    @Inject
    CorpusServiceConfig config;

    @Override
    @Blocking
    public StreamObserver<Document> ingestDocuments(StreamObserver<IngestSummary> response) {
        IngestTally tally = new IngestTally();
        return new StreamObserver<>() {
            private long position;
            private boolean failed;

            @Override
            public void onNext(Document document) {
                if (failed) {
                    return;
                }
                long at = position++;
                try {
                    checkDocument(document, at);
                    CorpusEngine engine = runtime.engine();
                    tally.record(engine.ingest(DocumentMapping.toPipeline(document), tally.receipt()));
                } catch (StatusRuntimeException e) {
                    failed = true;
                    response.onError(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                // The client gave up; what it sent so far stays ingested.
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                try {
                    if (position > 0) {
                        runtime.engine().writer().flush();
                    }
                    response.onNext(tally.summary());
                    response.onCompleted();
                } catch (RuntimeException e) {
                    response.onError(statusOf(e).asRuntimeException());
                }
            }
        };
    }

    private void checkDocument(Document document, long position) {
        if (document.getContent().isEmpty()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("document " + position + " ('" + document.getId()
                            + "') has no content; the documents before it were ingested")
                    .asRuntimeException();
        }
        if (document.getContent().size() > config.maxDocumentBytes()) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription("document " + position + " ('" + document.getId() + "') holds "
                            + document.getContent().size() + " bytes; the limit is " + config.maxDocumentBytes()
                            + " (kiln.corpus.max-document-bytes); the documents before it were ingested")
                    .asRuntimeException();
        }
    }

    @Override
    @Blocking
    public void ingestWarc(IngestWarcRequest request, StreamObserver<IngestProgress> response) {
        ingestFile(request.getPath(), request.getMaxRecords(), "WARC", response, (file, sink, stats) -> {
            String name = file.getFileName().toString();
            if (!name.endsWith(".warc") && !name.endsWith(".warc.gz")) {
                throw Status.FAILED_PRECONDITION
                        .withDescription(file + " is not a .warc or .warc.gz file")
                        .asRuntimeException();
            }
            new WarcDocumentReader(config.maxDocumentBytes()).read(file, sink, stats, pos -> {});
        });
    }

    @Override
    @Blocking
    public void ingestJsonl(IngestJsonlRequest request, StreamObserver<IngestProgress> response) {
        ingestFile(request.getPath(), request.getMaxDocuments(), "JSONL", response, (file, sink, stats) -> {
            List<Path> files = JsonlDocumentReader.files(file);
            if (files.isEmpty()) {
                throw Status.FAILED_PRECONDITION
                        .withDescription(file + " holds no .jsonl or .jsonl.gz file")
                        .asRuntimeException();
            }
            JsonlDocumentReader reader = new JsonlDocumentReader();
            for (Path f : files) {
                reader.readFile(f, sink, stats);
            }
        });
    }

    /** Reads one input on the server and runs every document through the engine. */
    private interface FileReader {
        void read(Path file, Consumer<PipelineDocument> sink, ReadStats stats) throws IOException;
    }

    /** Thrown into a reader to stop it: the limit was reached or the client cancelled. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    private void ingestFile(
            String rawPath, long limit, String kind, StreamObserver<IngestProgress> response, FileReader reader) {
        ServerCallStreamObserver<IngestProgress> call = (ServerCallStreamObserver<IngestProgress>) response;
        try {
            Path file = checkInputPath(rawPath);
            long total = Files.isDirectory(file) ? 0 : Files.size(file);
            CorpusEngine engine = runtime.engine();
            IngestTally tally = new IngestTally();
            ReadStats stats = new ReadStats();
            long[] lastProgress = {System.nanoTime()};
            long[] count = {0};
            try {
                reader.read(
                        file,
                        document -> {
                            if (call.isCancelled() || (limit > 0 && count[0] >= limit)) {
                                throw new StopReading();
                            }
                            count[0]++;
                            tally.record(engine.ingest(document, tally.receipt()));
                            if (System.nanoTime() - lastProgress[0] > PROGRESS_EVERY_NANOS) {
                                lastProgress[0] = System.nanoTime();
                                response.onNext(tally.progress()
                                        .setRecordsRead(stats.records())
                                        .setBytesRead(stats.bytes())
                                        .setBytesTotal(total)
                                        .build());
                            }
                        },
                        stats);
            } catch (StopReading stop) {
                if (call.isCancelled()) {
                    return;
                }
            }
            engine.writer().flush();
            tally.readerSkipped(stats.skippedByReason());
            response.onNext(tally.progress()
                    .setRecordsRead(stats.records())
                    .setBytesRead(Math.max(stats.bytes(), total))
                    .setBytesTotal(total)
                    .setDone(true)
                    .setSummary(tally.summary())
                    .build());
            response.onCompleted();
        } catch (IOException e) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription("cannot read " + kind + " input " + rawPath + ": " + e.getMessage())
                    .asRuntimeException());
        } catch (RuntimeException e) {
            response.onError(statusOf(e).asRuntimeException());
        }
    }

    private Path checkInputPath(String rawPath) {
        if (rawPath.isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("path is required").asRuntimeException();
        }
        Path file = Path.of(rawPath).toAbsolutePath().normalize();
        boolean allowed = config.inputRoots().stream()
                .map(root -> Path.of(root).toAbsolutePath().normalize())
                .anyMatch(file::startsWith);
        if (!allowed) {
            throw Status.PERMISSION_DENIED
                    .withDescription(file + " lies outside the input roots " + config.inputRoots()
                            + " (kiln.corpus.input-roots)")
                    .asRuntimeException();
        }
        if (!Files.exists(file)) {
            throw Status.NOT_FOUND
                    .withDescription(file + " does not exist on the corpus server")
                    .asRuntimeException();
        }
        return file;
    }

    @Override
    @Blocking
    public void getStats(GetStatsRequest request, StreamObserver<dev.kiln.proto.corpus.v1.PipelineStats> response) {
        try {
            CorpusEngine engine = runtime.engine();
            PipelineStats stats = engine.stats();
            Builder out = dev.kiln.proto.corpus.v1.PipelineStats.newBuilder()
                    .setDocumentsIn(stats.documentsIn())
                    .setDocumentsKept(stats.documentsKept())
                    .setTokens(engine.writer().tokens())
                    .setShardsProduced(engine.writer().shardsProduced());
            for (StepStats.Snapshot step : stats.snapshot()) {
                out.addSteps(DocumentMapping.toProto(step));
            }
            long indexed = 0;
            for (var step : engine.pipeline().steps()) {
                if (step instanceof ExactDeduplicator exact) {
                    indexed = Math.max(indexed, exact.size());
                } else if (step instanceof MinHashDeduplicator minHash) {
                    indexed = Math.max(indexed, minHash.documents());
                }
            }
            response.onNext(out.setDedupIndexDocuments(indexed).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(statusOf(e).asRuntimeException());
        }
    }

    @Override
    @Blocking
    public void inspectDocument(Document document, StreamObserver<InspectedDocument> response) {
        try {
            if (document.getContent().isEmpty()) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("content is required: the raw HTML or text to inspect")
                        .asRuntimeException();
            }
            PipelineDocument doc = DocumentMapping.toPipeline(document);
            response.onNext(DocumentMapping.toProto(doc.id(), runtime.engine().inspect(doc)));
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(statusOf(e).asRuntimeException());
        }
    }

    private static Status statusOf(RuntimeException e) {
        if (e instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        return Status.INTERNAL.withDescription(e.toString()).withCause(e);
    }
}
