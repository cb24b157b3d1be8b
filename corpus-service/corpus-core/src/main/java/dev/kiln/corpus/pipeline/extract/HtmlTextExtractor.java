package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.StepResult;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Step 2: bytes → main text. HTML goes through {@link HtmlMainText}; text/plain is decoded and passes
 * through; a document that arrived as text (no raw bytes) passes through unless its content type says
 * HTML, in which case its text is treated as markup.
 *
 * <p>Drops (reasons): {@code too_large} (raw bytes over the limit), {@code binary} (NUL bytes or
 * mostly control characters in the first 4 KiB), {@code unsupported_content_type} (e.g. images, PDF),
 * {@code bad_encoding} (more than 2 % replacement characters after every charset was tried),
 * {@code too_large_text}, {@code empty} (no main text found). Metadata: {@code charset},
 * {@code charset_source}, {@code charset_fallback}, {@code title}.
 */
public final class HtmlTextExtractor implements PipelineStep {
    private final PipelineConfig.Extraction cfg;
    private final Charset fallback;

    public HtmlTextExtractor(PipelineConfig.Extraction cfg) {
        this.cfg = cfg;
        this.fallback = Charset.forName(cfg.fallbackCharset());
    }

    @Override
    public String name() {
        return "html_extract";
    }

    static String mime(String contentType) {
        if (contentType == null) return null;
        int semi = contentType.indexOf(';');
        String m = (semi >= 0 ? contentType.substring(0, semi) : contentType)
                .strip()
                .toLowerCase(Locale.ROOT);
        return m.isEmpty() ? null : m;
    }

    static boolean isHtmlMime(String m) {
        return m != null
                && (m.equals("text/html")
                        || m.equals("application/xhtml+xml")
                        || m.equals("application/xml")
                        || m.equals("text/xml")
                        || m.endsWith("+xml") && m.contains("html"));
    }

    static boolean isTextMime(String m) {
        return m == null || isHtmlMime(m) || m.startsWith("text/") || m.equals("application/json");
    }

    static boolean looksBinary(byte[] raw) {
        int n = Math.min(raw.length, 4096);
        int control = 0;
        for (int i = 0; i < n; i++) {
            int b = raw[i] & 0xFF;
            if (b == 0) return true;
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x0C) control++;
        }
        return n > 0 && control > n * 0.1;
    }

    static boolean sniffHtml(String s) {
        int n = Math.min(s.length(), 1024);
        String head = s.substring(0, n).toLowerCase(Locale.ROOT);
        return head.contains("<html")
                || head.contains("<!doctype html")
                || head.contains("<body")
                || head.contains("<head")
                || head.contains("<p>")
                || head.contains("<div");
    }

    @Override
    public StepResult apply(PipelineDocument doc) {
        byte[] raw = doc.rawContent();
        String m = mime(doc.contentType());
        if (raw == null) {
            String t = doc.text();
            if (t == null || t.isBlank()) return StepResult.drop("empty");
            if (t.length() > cfg.maxTextChars() * 4L) return StepResult.drop("too_large", Map.of("chars", t.length()));
            if (isHtmlMime(m)) return fromHtml(doc, t, Map.of());
            return finishText(doc, t, Map.of());
        }
        if (raw.length > cfg.maxRawBytes()) return StepResult.drop("too_large", Map.of("bytes", raw.length));
        if (raw.length == 0) return StepResult.drop("empty");
        if (!isTextMime(m)) return StepResult.drop("unsupported_content_type", Map.of("content_type", m));
        if (looksBinary(raw)) return StepResult.drop("binary", Map.of("content_type", String.valueOf(m)));
        boolean html = isHtmlMime(m)
                || (m == null
                        && sniffHtml(new String(
                                raw, 0, Math.min(raw.length, 1024), java.nio.charset.StandardCharsets.ISO_8859_1)));
        CharsetSniffer.Decoded d = CharsetSniffer.decode(raw, doc.contentType(), html, fallback);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("charset", d.charset());
        if (d.declared() != null) info.put("charset_declared", d.declared());
        info.put("charset_source", String.valueOf(d.source()));
        if (d.fallback()) info.put("charset_fallback", true);
        doc.metadata().putAll(info);
        if (d.replacementChars() > 0 && d.replacementChars() > d.text().length() * 0.02)
            return StepResult.drop(
                    "bad_encoding", Map.of("replacement_chars", d.replacementChars(), "charset", d.charset()));
        if (html) return fromHtml(doc, d.text(), info);
        return finishText(doc, d.text(), info);
    }

    private StepResult fromHtml(PipelineDocument doc, String html, Map<String, Object> info) {
        HtmlMainText.Result r = HtmlMainText.extract(html, cfg.maxLinkDensity());
        if (r.title() != null && !r.title().isEmpty()) doc.metadata().put("title", r.title());
        Map<String, Object> details = new LinkedHashMap<>(info);
        int kept = 0;
        for (boolean k : r.kept()) if (k) kept++;
        details.put("blocks", r.blocks().size());
        details.put("blocks_kept", kept);
        return finishText(doc, r.text(), details);
    }

    private StepResult finishText(PipelineDocument doc, String text, Map<String, Object> details) {
        String t = text.indexOf('\r') >= 0 ? text.replace("\r\n", "\n").replace('\r', '\n') : text;
        t = t.strip();
        if (t.isEmpty()) return StepResult.drop("empty", details);
        if (t.length() > cfg.maxTextChars()) return StepResult.drop("too_large_text", Map.of("chars", t.length()));
        doc.setText(t);
        return details.isEmpty() ? StepResult.keep() : StepResult.keep(details);
    }
}
