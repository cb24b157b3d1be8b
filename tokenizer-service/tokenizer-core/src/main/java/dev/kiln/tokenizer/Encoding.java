package dev.kiln.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A byte-level BPE encoding: pre-tokenization pattern + mergeable ranks + special tokens, with
 * tiktoken's encode/decode semantics. Immutable and thread-safe; pooled scratch buffers make
 * encoding allocation-free apart from the returned array.
 *
 * <p>Get one from {@link EncodingRegistry}, {@link TiktokenRankFile}, {@link HuggingFaceTokenizerJson}
 * or {@link BpeTrainer}.
 *
 * <p>Over 400 lines on purpose: encode, count and encode-with-offsets share the pooled scratch state
 * and the special-token search of one hot loop; split apart, each variant would need that state
 * handed through a second class on every call.
 */
public final class Encoding {
    /**
     * The special token that separates documents in GPT-2-style encodings (and, by Kiln's
     * convention, in every encoding Kiln trains): shards put it between documents and a model
     * that samples it has finished.
     */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private final String name;
    private final Pretokenizer pretokenizer;
    private final RankTable ranks;
    private final SpecialTokens specials;
    private final int[] byteIds = new int[256];
    private final int vocabularySize;
    private final boolean[] allSpecials;
    private final boolean[] noSpecials;
    /**
     * Idle scratch spaces. A pool rather than a ThreadLocal: with virtual threads (one per request) a
     * ThreadLocal would build a fresh workspace, cache included, for almost every call.
     */
    private final AtomicReferenceArray<Workspace> workspaces;

    private final Normalizer.Form normalization;

    public Encoding(String name, Pretokenizer pretokenizer, RankTable ranks, Map<String, Integer> specialTokens) {
        this(name, pretokenizer, ranks, specialTokens, null);
    }

    /**
     * @param normalization Unicode normalization applied to input before encoding (Qwen-style tokenizer.json
     *                      files ask for NFC), or null for none, as in all tiktoken encodings. With a
     *                      normalization, offsets refer to the normalized text.
     */
    public Encoding(
            String name,
            Pretokenizer pretokenizer,
            RankTable ranks,
            Map<String, Integer> specialTokens,
            Normalizer.Form normalization) {
        this.normalization = normalization;
        this.name = Objects.requireNonNull(name, "name");
        this.pretokenizer = Objects.requireNonNull(pretokenizer, "pretokenizer");
        this.ranks = Objects.requireNonNull(ranks, "ranks");
        this.specials = new SpecialTokens(specialTokens);
        int maxId = ranks.idLimit() - 1;
        for (int i = 0; i < specials.count(); i++) {
            int id = specials.id(i);
            if (ranks.containsId(id)) {
                throw new IllegalArgumentException(
                        "special token " + specials.token(i) + " reuses id " + id + " of a mergeable token");
            }
            if (id < 0) {
                throw new IllegalArgumentException("negative id for special token " + specials.token(i));
            }
            maxId = Math.max(maxId, id);
        }
        this.vocabularySize = maxId + 1;
        for (int b = 0; b < 256; b++) {
            int id = ranks.idOf(new byte[] {(byte) b});
            if (id < 0) {
                throw new IllegalArgumentException(String.format(
                        "not a byte-level vocabulary: byte 0x%02X has no token, so some text could not be encoded", b));
            }
            byteIds[b] = id;
        }
        this.allSpecials = new boolean[specials.count()];
        Arrays.fill(allSpecials, true);
        this.noSpecials = new boolean[specials.count()];
        this.workspaces =
                new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** An encoding whose pattern runs on a scanner when it is a standard one, else on the regex engine. */
    public static Encoding of(String name, String pattern, RankTable ranks, Map<String, Integer> specialTokens) {
        return new Encoding(name, Pretokenizer.forPattern(pattern), ranks, specialTokens);
    }

    public String name() {
        return name;
    }

    public String pattern() {
        return pretokenizer.pattern();
    }

    public Pretokenizer pretokenizer() {
        return pretokenizer;
    }

    /** The Unicode normalization applied to input, or null. */
    public Normalizer.Form normalization() {
        return normalization;
    }

    /** The mergeable tokens (everything but the special tokens). */
    public RankTable ranks() {
        return ranks;
    }

    /** Special token text → id. */
    public Map<String, Integer> specialTokens() {
        return specials.byName();
    }

    /** The id of {@link #END_OF_TEXT}, if this encoding has that special token. */
    public OptionalInt endOfText() {
        Integer id = specials.byName().get(END_OF_TEXT);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Highest token id plus one, special tokens included (tiktoken's {@code n_vocab}). */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** True if id is a mergeable or special token. */
    public boolean containsId(int id) {
        return ranks.containsId(id) || specials.nameOf(id) != null;
    }

    public boolean isSpecial(int id) {
        return specials.nameOf(id) != null;
    }

    /** Encodes with tiktoken's default policy: special-token text in the input is an error. */
    public int[] encode(String text) {
        return encode(text, SpecialTokenPolicy.disallowAll());
    }

    /** Encodes treating special-token text as plain text (tiktoken's {@code encode_ordinary}). */
    public int[] encodeOrdinary(String text) {
        return encode(text, SpecialTokenPolicy.treatAsText());
    }

    public int[] encode(String text, SpecialTokenPolicy policy) {
        Workspace ws = acquire();
        try {
            run(text, policy, ws, false);
            return ws.ids.toArray();
        } finally {
            release(ws);
        }
    }

    /** Number of tokens {@link #encode(String, SpecialTokenPolicy)} would return. */
    public int countTokens(String text, SpecialTokenPolicy policy) {
        Workspace ws = acquire();
        try {
            run(text, policy, ws, false);
            return ws.ids.size;
        } finally {
            release(ws);
        }
    }

    /** Encodes and reports each token's span in the input, in UTF-16 chars and UTF-8 bytes. */
    public EncodedText encodeWithOffsets(String text, SpecialTokenPolicy policy) {
        Workspace ws = acquire();
        try {
            run(text, policy, ws, true);
            return new EncodedText(ws.ids.toArray(), ws.spans.toArray());
        } finally {
            release(ws);
        }
    }

    /** The token for exactly these bytes, or -1 if they are not one mergeable token. */
    public int encodeSingleToken(byte[] bytes) {
        return ranks.idOf(bytes);
    }

    /** The bytes a token stands for (a special token's are its UTF-8 text). */
    public byte[] tokenBytes(int id) {
        if (ranks.containsId(id)) {
            return ranks.bytes(id);
        }
        String special = specials.nameOf(id);
        if (special == null) {
            throw unknownId(id);
        }
        return special.getBytes(StandardCharsets.UTF_8);
    }

    /** The exact bytes of the tokens; lossless even when a token sequence splits a character. */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int id : ids) {
            int len = ranks.lengthOf(id);
            if (len < 0) {
                String special = specials.nameOf(id);
                if (special == null) {
                    throw unknownId(id);
                }
                len = special.getBytes(StandardCharsets.UTF_8).length;
            }
            total += len;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (int id : ids) {
            if (ranks.containsId(id)) {
                pos = ranks.copyBytes(id, out, pos);
            } else {
                byte[] b = specials.nameOf(id).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(b, 0, out, pos, b.length);
                pos += b.length;
            }
        }
        return out;
    }

    /** Decodes to text; invalid UTF-8 (a split character) becomes U+FFFD, as tiktoken's errors="replace". */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** A decoder for ids that arrive one at a time (streaming generation). */
    public StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(this);
    }

    private Workspace acquire() {
        for (int i = 0, n = workspaces.length(); i < n; i++) {
            Workspace ws = workspaces.getPlain(i);
            if (ws != null && workspaces.compareAndSet(i, ws, null)) {
                return ws;
            }
        }
        return new Workspace();
    }

    private void release(Workspace ws) {
        ws.reset();
        for (int i = 0, n = workspaces.length(); i < n; i++) {
            if (workspaces.getPlain(i) == null && workspaces.compareAndSet(i, null, ws)) {
                return;
            }
        }
        // pool full: let this one go
    }

    private IllegalArgumentException unknownId(int id) {
        return new IllegalArgumentException(
                "token id " + id + " is not in encoding " + name + " (vocabulary size " + vocabularySize + ")");
    }

    // ---------------------------------------------------------------------------------------------

    private void run(String text, SpecialTokenPolicy policy, Workspace ws, boolean offsets) {
        ws.offsets = offsets;
        if (normalization != null && !Normalizer.isNormalized(text, normalization)) {
            text = Normalizer.normalize(text, normalization);
        }
        int n = text.length();
        if (specials.count() == 0 || policy == SpecialTokenPolicy.treatAsText()) {
            encodeOrdinary(text, 0, n, ws);
            return;
        }
        boolean[] allowed;
        boolean[] disallowed;
        if (policy == SpecialTokenPolicy.disallowAll()) {
            allowed = noSpecials;
            disallowed = allSpecials;
        } else if (policy == SpecialTokenPolicy.allowAll()) {
            allowed = allSpecials;
            disallowed = noSpecials;
        } else {
            allowed = specials.select(policy::isAllowed);
            disallowed = specials.select(policy::isDisallowed);
        }
        if (SpecialTokens.any(disallowed)) {
            long hit = specials.find(text, 0, disallowed);
            if (hit >= 0) {
                throw new DisallowedSpecialTokenException(specials.token((int) hit), (int) (hit >>> 32));
            }
        }
        if (!SpecialTokens.any(allowed)) {
            encodeOrdinary(text, 0, n, ws);
            return;
        }
        int pos = 0;
        while (true) {
            long hit = specials.find(text, pos, allowed);
            int segmentEnd = hit < 0 ? n : (int) (hit >>> 32);
            // like tiktoken, each stretch between special tokens is pre-tokenized on its own
            encodeOrdinary(text, pos, segmentEnd, ws);
            if (hit < 0) {
                return;
            }
            int index = (int) hit;
            String token = specials.token(index);
            ws.ids.add(specials.id(index));
            if (offsets) {
                ws.advanceTo(text, segmentEnd);
                int bytes = Utf8.length(text, segmentEnd, segmentEnd + token.length());
                ws.addSpan(segmentEnd, segmentEnd + token.length(), ws.byteCursor, ws.byteCursor + bytes);
                ws.charCursor = segmentEnd + token.length();
                ws.byteCursor += bytes;
            }
            pos = segmentEnd + token.length();
        }
    }

    private void encodeOrdinary(String text, int from, int to, Workspace ws) {
        if (from >= to) {
            return;
        }
        if (!ws.offsets) {
            // one loop per scanner, so the hot loop calls the scanner directly (no cursor, no switch per piece)
            switch (pretokenizer.kind()) {
                case R50K -> {
                    for (int pos = from; pos < to; ) {
                        int end = R50kScanner.pieceEnd(text, pos, to);
                        encodePiece(text, pos, end, ws);
                        pos = end;
                    }
                }
                case CL100K -> {
                    for (int pos = from; pos < to; ) {
                        int end = Cl100kScanner.pieceEnd(text, pos, to, false);
                        encodePiece(text, pos, end, ws);
                        pos = end;
                    }
                }
                case O200K -> {
                    for (int pos = from; pos < to; ) {
                        int end = O200kScanner.pieceEnd(text, pos, to);
                        encodePiece(text, pos, end, ws);
                        pos = end;
                    }
                }
                default -> {
                    Pretokenizer.Cursor cursor = pretokenizer.cursor(text, from, to);
                    while (cursor.next()) {
                        encodePiece(text, cursor.start, cursor.end, ws);
                    }
                }
            }
            return;
        }
        Pretokenizer.Cursor cursor = pretokenizer.cursor(text, from, to);
        BytePairEncoder bpe = ws.bpe;
        IntList ids = ws.ids;
        IntList ends = ws.ends;
        while (cursor.next()) {
            int start = cursor.start;
            int end = cursor.end;
            byte[] buf = ws.buffer((end - start) * Utf8.MAX_BYTES_PER_CHAR);
            int len = Utf8.encode(text, start, end, buf);
            ws.advanceTo(text, start);
            ws.mapPieceBytesToChars(text, start, end, len);
            ends.clear();
            bpe.encode(buf, len, ids, ends);
            int tokenStart = 0;
            for (int t = 0; t < ends.size; t++) {
                int tokenEnd = ends.data[t];
                ws.addSpan(
                        ws.cpStart[tokenStart],
                        ws.cpEnd[tokenEnd - 1],
                        ws.byteCursor + tokenStart,
                        ws.byteCursor + tokenEnd);
                tokenStart = tokenEnd;
            }
            ws.byteCursor += len;
            ws.charCursor = end;
        }
    }

    private static void encodePiece(String text, int start, int end, Workspace ws) {
        byte[] buf = ws.buffer((end - start) * Utf8.MAX_BYTES_PER_CHAR);
        int len = Utf8.encode(text, start, end, buf);
        ws.bpe.encode(buf, len, ws.ids, null);
    }

    /** Per-thread scratch space of one encoding. */
    private final class Workspace {
        final BytePairEncoder bpe = new BytePairEncoder(ranks, byteIds);
        final IntList ids = new IntList(256);
        final IntList ends = new IntList(64);
        final IntList spans = new IntList(64);
        byte[] buf = new byte[256];
        int[] cpStart = new int[0];
        int[] cpEnd = new int[0];
        boolean offsets;
        int charCursor;
        int byteCursor;

        byte[] buffer(int bytes) {
            if (buf.length < bytes + RankTable.PADDING) {
                buf = new byte[Math.max(bytes + RankTable.PADDING, buf.length * 2)];
            }
            return buf;
        }

        /** Moves the byte cursor over text skipped since the last piece (the regex path may skip text). */
        void advanceTo(String text, int charIndex) {
            if (charIndex > charCursor) {
                byteCursor += Utf8.length(text, charCursor, charIndex);
                charCursor = charIndex;
            }
        }

        void mapPieceBytesToChars(String text, int start, int end, int byteLength) {
            if (cpStart.length < byteLength) {
                cpStart = new int[Math.max(byteLength, cpStart.length * 2)];
                cpEnd = new int[cpStart.length];
            }
            int b = 0;
            for (int i = start; i < end; ) {
                char c = text.charAt(i);
                int width = Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))
                        ? 2
                        : 1;
                int bytes = width == 2 ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
                for (int k = 0; k < bytes; k++) {
                    cpStart[b + k] = i;
                    cpEnd[b + k] = i + width;
                }
                b += bytes;
                i += width;
            }
        }

        void addSpan(int charStart, int charEnd, int byteStart, int byteEnd) {
            spans.add(charStart);
            spans.add(charEnd);
            spans.add(byteStart);
            spans.add(byteEnd);
        }

        void reset() {
            ids.clear();
            ends.clear();
            spans.clear();
            charCursor = 0;
            byteCursor = 0;
            offsets = false;
            if (buf.length > (1 << 20)) {
                buf = new byte[256];
                cpStart = new int[0];
                cpEnd = new int[0];
            }
            if (ids.data.length > (1 << 20)) {
                ids.data = new int[256];
            }
            if (spans.data.length > (1 << 20)) {
                spans.data = new int[64];
            }
            bpe.trim();
        }
    }
}
