package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.FileIngest;
import dev.kiln.corpus.engine.IngestTally;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepStats;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.corpus.v1.StepVerdict;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps between the v1 messages and the core's types. */
final class DocumentMapping {

    private DocumentMapping() {}

    /** A document as the pipeline takes it; an empty id becomes a hash of the content. */
    static PipelineDocument toPipeline(Document document) {
        byte[] content = document.getContent().toByteArray();
        String id = document.getId().isEmpty() ? contentId(content) : document.getId();
        Map<String, Object> metadata = new LinkedHashMap<>(document.getMetadataMap());
        String contentType = document.getContentType().isEmpty() ? null : document.getContentType();
        return new PipelineDocument(
                id, document.getUrl().isEmpty() ? null : document.getUrl(), content, contentType, null, metadata);
    }

    static String contentId(byte[] content) {
        try {
            return "sha1-"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-1").digest(content), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static InspectedDocument toProto(String id, CorpusEngine.Inspection inspection) {
        Pipeline.Inspection p = inspection.pipeline();
        InspectedDocument.Builder out = InspectedDocument.newBuilder()
                .setId(id)
                .setKept(p.kept())
                .setLanguage(p.language() == null ? "" : p.language())
                .setLanguageScore(Double.isNaN(p.languageScore()) ? 0f : (float) p.languageScore())
                .setFinalText(p.kept() && p.finalText() != null ? p.finalText() : "")
                .setTokenCount(inspection.tokens());
        for (Pipeline.StepTrace trace : p.steps()) {
            StepVerdict.Builder verdict = StepVerdict.newBuilder()
                    .setStep(trace.step())
                    .setKept(trace.kept())
                    .setReason(trace.reason() == null ? "" : trace.reason())
                    .setTextAfter(trace.textAfter() == null ? "" : trace.textAfter());
            if (trace.details() != null) {
                trace.details().forEach((k, v) -> verdict.putDetails(k, String.valueOf(v)));
            }
            out.addSteps(verdict);
        }
        return out.build();
    }

    static dev.kiln.proto.corpus.v1.StepStats toProto(StepStats.Snapshot step) {
        return dev.kiln.proto.corpus.v1.StepStats.newBuilder()
                .setStep(step.step())
                .setDocumentsIn(step.in())
                .setDocumentsKept(step.kept())
                .setDocumentsDropped(step.dropped())
                .putAllDroppedByReason(step.droppedByReason())
                .setSeconds(step.nanos() / 1e9)
                .build();
    }

    static IngestSummary toProto(IngestTally.Summary summary) {
        return IngestSummary.newBuilder()
                .setDocumentsReceived(summary.documentsReceived())
                .setDocumentsKept(summary.documentsKept())
                .setDocumentsDropped(summary.documentsDropped())
                .putAllDroppedByReason(summary.droppedByReason())
                .setTokens(summary.tokens())
                .build();
    }

    static IngestProgress toProto(FileIngest.Progress progress) {
        return progressOf(progress).build();
    }

    /** The last message of a file ingest: done, with the summary. */
    static IngestProgress toProto(FileIngest.Result result) {
        return progressOf(result.progress())
                .setDone(true)
                .setSummary(toProto(result.summary()))
                .build();
    }

    private static IngestProgress.Builder progressOf(FileIngest.Progress progress) {
        IngestTally.Counts counts = progress.counts();
        return IngestProgress.newBuilder()
                .setDocumentsIn(counts.documentsIn())
                .setDocumentsKept(counts.documentsKept())
                .setDocumentsDropped(counts.documentsDropped())
                .setTokens(counts.tokens())
                .setRecordsRead(progress.recordsRead())
                .setBytesRead(progress.bytesRead())
                .setBytesTotal(progress.bytesTotal());
    }
}
