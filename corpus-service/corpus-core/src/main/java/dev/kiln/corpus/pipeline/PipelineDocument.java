package dev.kiln.corpus.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One document as it moves through the pipeline. Mutable on purpose: steps such as HTML extraction,
 * the C4 line filter and the PII scrubber rewrite {@link #text()}; the language filter records the
 * detected language and its probability. {@link #copy()} gives the independent copy that
 * {@link Pipeline#inspect} works on.
 */
public final class PipelineDocument {
    private final String id;
    private final String url;
    private final byte[] rawContent;
    private final String contentType;
    private String text;
    private final Map<String, Object> metadata;
    private String language;
    private double languageScore = Double.NaN;
    private long sequence = -1;

    public PipelineDocument(
            String id, String url, byte[] rawContent, String contentType, String text, Map<String, Object> metadata) {
        this.id = Objects.requireNonNullElse(id, "");
        this.url = url;
        this.rawContent = rawContent;
        this.contentType = contentType;
        this.text = text;
        this.metadata = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
    }

    /** A document whose text is already plain text (JSONL "text", WET records, gRPC text). */
    public static PipelineDocument ofText(String id, String url, String text) {
        return new PipelineDocument(id, url, null, "text/plain", text, null);
    }

    /** A document with raw bytes to be decoded/extracted by {@code HtmlTextExtractor}. */
    public static PipelineDocument ofBytes(String id, String url, byte[] raw, String contentType) {
        return new PipelineDocument(id, url, raw, contentType, null, null);
    }

    public String id() {
        return id;
    }

    public String url() {
        return url;
    }
    /** Raw payload bytes (may be null when the document arrived as text). Not copied: do not modify. */
    public byte[] rawContent() {
        return rawContent;
    }
    /** MIME type with parameters as received, e.g. {@code text/html; charset=ISO-8859-1}; may be null. */
    public String contentType() {
        return contentType;
    }
    /** The current text; null until extraction when the document arrived as bytes. */
    public String text() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public String language() {
        return language;
    }

    public double languageScore() {
        return languageScore;
    }

    public void setLanguage(String language, double score) {
        this.language = language;
        this.languageScore = score;
    }

    /**
     * The engine's running number for this document, or -1. Dedup steps hold back the persistence
     * of a numbered document's entries until {@link Pipeline#commitThrough} reaches its number, so a
     * crash before the document is safely shipped does not remember it as seen.
     */
    public long sequence() {
        return sequence;
    }

    public void setSequence(long sequence) {
        this.sequence = sequence;
    }

    public PipelineDocument copy() {
        PipelineDocument c = new PipelineDocument(id, url, rawContent, contentType, text, metadata);
        c.sequence = sequence;
        c.language = language;
        c.languageScore = languageScore;
        return c;
    }

    @Override
    public String toString() {
        return "PipelineDocument{id=" + id + ", url=" + url + ", chars=" + (text == null ? -1 : text.length()) + "}";
    }
}
