package dev.kiln.corpus.pipeline.extract;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns payload bytes into text, honouring the declared charset and catching a wrong one:
 * BOM first, then the HTTP {@code Content-Type} charset, then {@code <meta charset>} /
 * {@code <meta http-equiv>} in the first 4 KiB. The declared charset is decoded strictly; if the bytes
 * are not valid in it, valid UTF-8 is tried, and the fallback charset (windows-1252, which is what
 * browsers do for undeclared Western pages) is used with replacement. A Latin-1-family declaration on
 * bytes that are valid multi-byte UTF-8 is treated as the common mislabel it is.
 */
public final class CharsetSniffer {
    private static final Pattern META = Pattern.compile(
            "<meta[^>]{0,300}?charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:\\-]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CT_CHARSET =
            Pattern.compile("charset\\s*=\\s*[\"']?([A-Za-z0-9._:\\-]+)", Pattern.CASE_INSENSITIVE);

    private CharsetSniffer() {}

    /** The decoded text and how it was decoded. */
    public record Decoded(
            String text, String charset, String declared, String source, boolean fallback, int replacementChars) {}

    public static String charsetParam(String contentType) {
        if (contentType == null) return null;
        Matcher m = CT_CHARSET.matcher(contentType);
        return m.find() ? m.group(1) : null;
    }

    static String metaCharset(byte[] raw) {
        int n = Math.min(raw.length, 4096);
        String head = new String(raw, 0, n, StandardCharsets.ISO_8859_1);
        // the pattern is tried from the first "<meta" on: a case-insensitive pattern gets no fast skip,
        // and trying it at each of the 4 KiB's characters cost more than the rest of the sniffing
        int at = head.indexOf('<');
        while (at >= 0 && !head.regionMatches(true, at + 1, "meta", 0, 4)) at = head.indexOf('<', at + 1);
        if (at < 0) return null;
        Matcher m = META.matcher(head);
        return m.find(at) ? m.group(1) : null;
    }

    private static Charset lookup(String name) {
        if (name == null) return null;
        String n = name.trim().toLowerCase(Locale.ROOT);
        // WHATWG: these labels all mean windows-1252
        if (n.equals("iso-8859-1")
                || n.equals("latin1")
                || n.equals("us-ascii")
                || n.equals("ascii")
                || n.equals("iso8859-1")
                || n.equals("l1")
                || n.equals("cp1252")) n = "windows-1252";
        if (n.equals("utf8")) n = "utf-8";
        try {
            return Charset.isSupported(n) ? Charset.forName(n) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The bytes decoded in {@code cs}, or null if they are not valid in it. */
    private static String strict(byte[] raw, int off, Charset cs) {
        if (cs.equals(StandardCharsets.UTF_8)) {
            // well-formed text beyond ASCII through Utf8; else String's own decoding (an ASCII fast path,
            // compact Latin-1 strings), several times faster than a CharsetDecoder: it replaces malformed
            // input with U+FFFD, so a result without one is exactly what the strict decoder gives, and
            // only one with it needs the strict verdict
            String s = Utf8.decode(raw, off);
            if (s != null) return s;
            s = new String(raw, off, raw.length - off, StandardCharsets.UTF_8);
            if (s.indexOf('\uFFFD') < 0) return s;
        }
        CharsetDecoder d = cs.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer cb = d.decode(ByteBuffer.wrap(raw, off, raw.length - off));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasHighBytes(byte[] raw) {
        for (byte b : raw) if (b < 0) return true;
        return false;
    }

    public static Decoded decode(byte[] raw, String contentType, boolean html, Charset fallback) {
        // BOM
        if (raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF) {
            return finish(raw, 3, StandardCharsets.UTF_8, "utf-8", "bom", fallback);
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0xFF && (raw[1] & 0xFF) == 0xFE)
            return finish(raw, 2, StandardCharsets.UTF_16LE, "utf-16le", "bom", fallback);
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0xFE && (raw[1] & 0xFF) == 0xFF)
            return finish(raw, 2, StandardCharsets.UTF_16BE, "utf-16be", "bom", fallback);
        String declared = charsetParam(contentType);
        String source = declared != null ? "http" : null;
        if (declared == null && html) {
            declared = metaCharset(raw);
            if (declared != null) source = "meta";
        }
        Charset cs = lookup(declared);
        if (cs == null)
            return finish(raw, 0, null, declared, declared == null ? "none" : "unknown:" + source, fallback);
        return finish(raw, 0, cs, declared, source, fallback);
    }

    private static Decoded finish(byte[] raw, int off, Charset cs, String declared, String source, Charset fallback) {
        boolean high = hasHighBytes(raw);
        if (cs != null) {
            boolean latinFamily = cs.name().equalsIgnoreCase("windows-1252");
            if (latinFamily && high) {
                String u = strict(raw, off, StandardCharsets.UTF_8);
                if (u != null) return new Decoded(u, "UTF-8", declared, source + ":mislabelled", true, 0);
            }
            String s = strict(raw, off, cs);
            if (s != null) return new Decoded(s, cs.name(), declared, source, false, 0);
        }
        if (!high)
            return new Decoded(
                    new String(raw, off, raw.length - off, StandardCharsets.US_ASCII),
                    "US-ASCII",
                    declared,
                    source,
                    cs != null,
                    0);
        if (cs == null || !cs.equals(StandardCharsets.UTF_8)) {
            String u = strict(raw, off, StandardCharsets.UTF_8);
            if (u != null) return new Decoded(u, "UTF-8", declared, source, cs != null, 0);
        }
        String f = new String(raw, off, raw.length - off, fallback);
        int repl = 0;
        for (int i = 0; i < f.length(); i++) if (f.charAt(i) == '\uFFFD') repl++;
        return new Decoded(f, fallback.name(), declared, source, true, repl);
    }
}
