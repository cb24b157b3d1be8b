package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentRejectedException;
import dev.kiln.corpus.engine.FileIngest;
import dev.kiln.corpus.engine.IngestTally;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStats;
import dev.kiln.corpus.pipeline.StepStats;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import dev.kiln.proto.corpus.v1.IngestWarcRequest;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.grpc.GrpcReplies;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * gRPC adapter of the corpus service: validates requests, hands documents and files to the engine,
 * maps its results. Pipeline work is CPU work, so every RPC runs on worker threads.
 */
@GrpcService
public class CorpusGrpcService extends CorpusServiceGrpc.CorpusServiceImplBase {

    @Inject
    CorpusWiring wiring;

    @Inject
    CorpusStatusMapper errors;

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
                    wiring.documentLimits()
                            .check(
                                    "document " + at + " ('" + document.getId() + "')",
                                    document.getContent().size());
                    CorpusEngine engine = wiring.engine();
                    tally.record(engine.ingest(DocumentMapping.toPipeline(document), tally.receipt()));
                } catch (DocumentRejectedException e) {
                    failed = true;
                    // The stream stops at its first bad document; the client may resend from there.
                    Status status = errors.toStatus(e);
                    response.onError(
                            status.withDescription(status.getDescription() + "; the documents before it were ingested")
                                    .asRuntimeException());
                } catch (RuntimeException e) {
                    failed = true;
                    GrpcReplies.fail(response, errors, e);
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
                GrpcReplies.unary(response, errors, () -> {
                    if (position > 0) {
                        // Kept documents reach the writer with their dedup verdicts; flush after the last.
                        awaitVerdicts(tally);
                        wiring.engine().writer().flush();
                    }
                    return DocumentMapping.toProto(tally.summary());
                });
            }
        };
    }

    private void awaitVerdicts(IngestTally tally) {
        try {
            tally.awaitOutcomes(wiring.dedupVerdictTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dedup verdicts", e);
        }
    }

    @Override
    @Blocking
    public void ingestWarc(IngestWarcRequest request, StreamObserver<IngestProgress> response) {
        ingestFile(FileIngest.Format.WARC, request.getPath(), request.getMaxRecords(), response);
    }

    @Override
    @Blocking
    public void ingestJsonl(IngestJsonlRequest request, StreamObserver<IngestProgress> response) {
        ingestFile(FileIngest.Format.JSONL, request.getPath(), request.getMaxDocuments(), response);
    }

    private void ingestFile(
            FileIngest.Format format, String path, long limit, StreamObserver<IngestProgress> response) {
        ServerCallStreamObserver<IngestProgress> call = (ServerCallStreamObserver<IngestProgress>) response;
        try {
            if (path.isBlank()) {
                throw new IllegalArgumentException("path is required");
            }
            Path file = wiring.inputRoots().resolve("path", path);
            Optional<FileIngest.Result> result = wiring.engine()
                    .ingestFile(
                            format,
                            file,
                            limit,
                            call::isCancelled,
                            progress -> response.onNext(DocumentMapping.toProto(progress)));
            if (result.isEmpty()) {
                return; // cancelled: nobody is listening
            }
            response.onNext(DocumentMapping.toProto(result.get()));
            response.onCompleted();
        } catch (RuntimeException e) {
            GrpcReplies.fail(response, errors, e);
        }
    }

    @Override
    @Blocking
    public void getStats(GetStatsRequest request, StreamObserver<dev.kiln.proto.corpus.v1.PipelineStats> response) {
        GrpcReplies.unary(response, errors, () -> {
            CorpusEngine engine = wiring.engine();
            PipelineStats stats = engine.stats();
            dev.kiln.proto.corpus.v1.PipelineStats.Builder out = dev.kiln.proto.corpus.v1.PipelineStats.newBuilder()
                    .setDocumentsIn(stats.documentsIn())
                    .setDocumentsKept(stats.documentsKept())
                    .setTokens(engine.writer().tokens())
                    .setShardsProduced(engine.writer().shardsProduced())
                    .setDedupIndexDocuments(engine.dedupIndexDocuments());
            for (StepStats.Snapshot step : stats.snapshot()) {
                out.addSteps(DocumentMapping.toProto(step));
            }
            return out.build();
        });
    }

    @Override
    @Blocking
    public void inspectDocument(Document document, StreamObserver<InspectedDocument> response) {
        GrpcReplies.unary(response, errors, () -> {
            if (document.getContent().isEmpty()) {
                throw new IllegalArgumentException("content is required: the raw HTML or text to inspect");
            }
            PipelineDocument doc = DocumentMapping.toPipeline(document);
            return DocumentMapping.toProto(doc.id(), wiring.engine().inspect(doc));
        });
    }
}
