package dev.kiln.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A BPE encoding: pre-tokenization pattern + mergeable ranks + special tokens, with tiktoken's
 * encode/decode semantics; or, read from a SentencePiece-style tokenizer.json, a
 * {@link SentencePiecePipeline} in place of pattern and ranks. Added tokens are matched before the
 * model; a {@link PostProcessor} adds the special tokens a model expects around a sequence when asked
 * ({@link #encodeWithSpecialTokens}). Immutable and thread-safe; pooled scratch buffers make
 * byte-level encoding allocation-free apart from the returned array.
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
    /** Every added token, matched under {@link SpecialTokenPolicy#allowAll()}. */
    private final boolean[] allAdded;
    /** The non-special added tokens: matched under every policy. */
    private final boolean[] plainAdded;
    /** The special tokens, disallowed under {@link SpecialTokenPolicy#disallowAll()}. */
    private final boolean[] allSpecials;

    private final boolean[] none;
    /** Null for byte-level encodings. */
    private final SentencePiecePipeline sentencePiece;

    private final PostProcessor postProcessor;
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
        this(
                name,
                Objects.requireNonNull(pretokenizer, "pretokenizer"),
                ranks,
                new SpecialTokens(specialTokens),
                normalization,
                null,
                PostProcessor.NONE);
    }

    /** A byte-level encoding with Hugging Face added tokens (special or not, with their flags). */
    public Encoding(
            String name,
            Pretokenizer pretokenizer,
            RankTable ranks,
            List<AddedToken> addedTokens,
            Normalizer.Form normalization,
            PostProcessor postProcessor) {
        this(
                name,
                Objects.requireNonNull(pretokenizer, "pretokenizer"),
                ranks,
                new SpecialTokens(addedTokens),
                normalization,
                null,
                postProcessor);
    }

    /** A SentencePiece-style encoding (see {@link HuggingFaceTokenizerJson}). */
    static Encoding sentencePiece(
            String name, SentencePiecePipeline pipeline, List<AddedToken> addedTokens, PostProcessor postProcessor) {
        return new Encoding(
                name,
                null,
                new RankTable.Builder().build(),
                new SpecialTokens(addedTokens),
                null,
                Objects.requireNonNull(pipeline, "pipeline"),
                postProcessor);
    }

    private Encoding(
            String name,
            Pretokenizer pretokenizer,
            RankTable ranks,
            SpecialTokens specials,
            Normalizer.Form normalization,
            SentencePiecePipeline sentencePiece,
            PostProcessor postProcessor) {
        this.normalization = normalization;
        this.name = Objects.requireNonNull(name, "name");
        this.pretokenizer = pretokenizer;
        this.ranks = Objects.requireNonNull(ranks, "ranks");
        this.specials = specials;
        this.sentencePiece = sentencePiece;
        this.postProcessor = Objects.requireNonNull(postProcessor, "postProcessor");
        int maxId =
                (sentencePiece == null ? ranks.idLimit() : sentencePiece.model().idLimit()) - 1;
        for (int i = 0; i < specials.count(); i++) {
            int id = specials.id(i);
            // SentencePiece vocabularies list their control tokens (<unk>, <s>, </s>) in the vocab too
            if (sentencePiece == null && ranks.containsId(id)) {
                throw new IllegalArgumentException(
                        "special token " + specials.token(i) + " reuses id " + id + " of a mergeable token");
            }
            maxId = Math.max(maxId, id);
        }
        for (int id : postProcessor.prefix()) {
            requireKnown(id, maxId, specials);
        }
        for (int id : postProcessor.suffix()) {
            requireKnown(id, maxId, specials);
        }
        this.vocabularySize = maxId + 1;
        for (int b = 0; b < 256 && sentencePiece == null; b++) {
            int id = ranks.idOf(new byte[] {(byte) b});
            if (id < 0) {
                throw new IllegalArgumentException(String.format(
                        "not a byte-level vocabulary: byte 0x%02X has no token, so some text could not be encoded", b));
            }
            byteIds[b] = id;
        }
        this.allAdded = new boolean[specials.count()];
        Arrays.fill(allAdded, true);
        this.plainAdded = specials.plain();
        this.allSpecials = specials.select(t -> true);
        this.none = new boolean[specials.count()];
        this.workspaces =
                new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    private void requireKnown(int id, int maxId, SpecialTokens specials) {
        boolean known = sentencePiece != null ? sentencePiece.model().containsId(id) : ranks.containsId(id);
        if (!known && specials.nameOf(id) == null) {
            throw new IllegalArgumentException("post-processor id " + id + " is not a token (ids 0.." + maxId + ")");
        }
    }

    /** This encoding with another post-processor (a bundle's tokenizer_config.json may set one). */
    public Encoding withPostProcessor(PostProcessor postProcessor) {
        return new Encoding(name, pretokenizer, ranks, specials, normalization, sentencePiece, postProcessor);
    }

    /** What {@link #encodeWithSpecialTokens} adds around the ids. */
    public PostProcessor postProcessor() {
        return postProcessor;
    }

    /** An encoding whose pattern runs on a scanner when it is a standard one, else on the regex engine. */
    public static Encoding of(String name, String pattern, RankTable ranks, Map<String, Integer> specialTokens) {
        return new Encoding(name, Pretokenizer.forPattern(pattern), ranks, specialTokens);
    }

    public String name() {
        return name;
    }

    /** The pre-tokenization regex; empty for SentencePiece-style encodings, which have none. */
    public String pattern() {
        return pretokenizer == null ? "" : pretokenizer.pattern();
    }

    /** The pre-tokenizer, or null for SentencePiece-style encodings. */
    public Pretokenizer pretokenizer() {
        return pretokenizer;
    }

    /**
     * True for SentencePiece-style encodings (Llama 2, Mistral): characters rather than bytes are the
     * symbols, so {@link #ranks()} is empty and such an encoding cannot be written as a rank file.
     */
    public boolean isSentencePiece() {
        return sentencePiece != null;
    }

    /** The Unicode normalization applied to input, or null. */
    public Normalizer.Form normalization() {
        return normalization;
    }

    /** The mergeable tokens (everything but the special tokens); empty if {@link #isSentencePiece()}. */
    public RankTable ranks() {
        return ranks;
    }

    /** Special token text → id (added tokens that are not special are not listed). */
    public Map<String, Integer> specialTokens() {
        return specials.byName();
    }

    /** The id of {@link #END_OF_TEXT}, if this encoding has that special token. */
    public OptionalInt endOfText() {
        Integer id = specials.byName().get(END_OF_TEXT);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The id of a token named by its text as tokenizer_config.json names it ({@code bos_token}): an
     * added token, or a SentencePiece vocabulary entry.
     */
    public OptionalInt tokenId(String content) {
        int id = specials.idOf(content);
        if (id < 0 && sentencePiece != null) {
            Integer vocabId = sentencePiece.model().id(content);
            id = vocabId == null ? -1 : vocabId;
        }
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Highest token id plus one, special tokens included (tiktoken's {@code n_vocab}). */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** True if id is a mergeable or special token. */
    public boolean containsId(int id) {
        return (sentencePiece != null ? sentencePiece.model().containsId(id) : ranks.containsId(id))
                || specials.nameOf(id) != null;
    }

    /** True for special tokens (what "skip special tokens" drops); false for plain added tokens. */
    public boolean isSpecial(int id) {
        String name = specials.nameOf(id);
        return name != null && specials.byName().containsKey(name);
    }

    /** Encodes with tiktoken's default policy: special-token text in the input is an error. */
    public int[] encode(String text) {
        return encode(text, SpecialTokenPolicy.disallowAll());
    }

    /** Encodes treating special-token text as plain text (tiktoken's {@code encode_ordinary}). */
    public int[] encodeOrdinary(String text) {
        return encode(text, SpecialTokenPolicy.treatAsText());
    }

    /**
     * Encodes as Hugging Face does with {@code add_special_tokens=True}: the ids of
     * {@link #encode(String, SpecialTokenPolicy)} inside the {@link #postProcessor()}'s special tokens
     * (a Llama prompt's BOS). The policy still decides what special-token text in the input means.
     */
    public int[] encodeWithSpecialTokens(String text, SpecialTokenPolicy policy) {
        return postProcessor.apply(encode(text, policy));
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
        String added = specials.nameOf(id);
        if (added != null) {
            return added.getBytes(StandardCharsets.UTF_8);
        }
        if (sentencePiece != null && sentencePiece.model().containsId(id)) {
            return sentencePiece.model().decodedBytes(id).clone();
        }
        if (ranks.containsId(id)) {
            return ranks.bytes(id);
        }
        throw unknownId(id);
    }

    /**
     * True if decoding drops one leading space, as a SentencePiece tokenizer's decoder does for the
     * space its normalizer prepended ({@link #decodeBytes} and the streaming decoder apply it).
     */
    public boolean decoderStripsLeadingSpace() {
        return sentencePiece != null && sentencePiece.decoderStripsLeadingSpace();
    }

    /**
     * The exact bytes of the tokens; lossless even when a token sequence splits a character. A
     * SentencePiece decoder's leading-space strip is applied ({@link #decoderStripsLeadingSpace()}).
     */
    public byte[] decodeBytes(int[] ids) {
        if (sentencePiece != null) {
            return decodeSentencePiece(ids);
        }
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

    private byte[] decodeSentencePiece(int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        byte[] bytes = out.toByteArray();
        if (sentencePiece.decoderStripsLeadingSpace() && bytes.length > 0 && bytes[0] == ' ') {
            return Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return bytes;
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
        if (specials.count() == 0) {
            encodeOrdinary(text, 0, n, ws);
            return;
        }
        boolean[] allowed;
        boolean[] disallowed;
        if (policy == SpecialTokenPolicy.treatAsText()) {
            allowed = plainAdded;
            disallowed = none;
        } else if (policy == SpecialTokenPolicy.disallowAll()) {
            allowed = plainAdded;
            disallowed = allSpecials;
        } else if (policy == SpecialTokenPolicy.allowAll()) {
            allowed = allAdded;
            disallowed = none;
        } else {
            allowed = specials.select(policy::isAllowed);
            for (int i = 0; i < allowed.length; i++) {
                allowed[i] |= plainAdded[i];
            }
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
            int index = (int) hit;
            long extent = hit < 0 ? 0 : specials.extent(text, pos, (int) (hit >>> 32), index);
            int segmentEnd = hit < 0 ? n : (int) (extent >>> 32);
            // like tiktoken and Hugging Face, each stretch between added tokens is pre-tokenized on its own
            encodeOrdinary(text, pos, segmentEnd, ws);
            if (hit < 0) {
                return;
            }
            int matchEnd = (int) extent;
            ws.ids.add(specials.id(index));
            if (offsets) {
                ws.advanceTo(text, segmentEnd);
                int bytes = Utf8.length(text, segmentEnd, matchEnd);
                ws.addSpan(segmentEnd, matchEnd, ws.byteCursor, ws.byteCursor + bytes);
                ws.charCursor = matchEnd;
                ws.byteCursor += bytes;
            }
            pos = matchEnd;
        }
    }

    private void encodeOrdinary(String text, int from, int to, Workspace ws) {
        if (from >= to) {
            return;
        }
        if (sentencePiece != null) {
            if (ws.offsets) {
                throw new UnsupportedTokenizerFeatureException(
                        "token offsets are not available for the SentencePiece-style encoding " + name);
            }
            sentencePiece.encode(text, from, to, ws.ids);
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
