package dev.kiln.tokenizer;

import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the SentencePiece-style BPE of a {@code tokenizer.json} as Hugging Face writes it for
 * Llama 2, Mistral and TinyLlama: normalizer {@code Prepend "▁"} + {@code Replace " " → "▁"} (or
 * Unicode forms) in a {@code Sequence}, or a {@code Metaspace} pre-tokenizer; the BPE model with
 * {@code byte_fallback}, {@code fuse_unk}, {@code unk_token}, {@code ignore_merges}; and a decoder
 * that undoes the encoding ({@code Replace "▁" → " "}, {@code ByteFallback}, {@code Fuse},
 * {@code Strip}, or {@code Metaspace}). Any other component is refused, named, so an id is never
 * silently different from the one Hugging Face would give.
 */
final class HuggingFaceSentencePiece {
    private static final char METASPACE = '\u2581';

    private HuggingFaceSentencePiece() {}

    static Encoding read(Map<?, ?> top, Map<?, ?> model, String name, List<AddedToken> added, PostProcessor post)
            throws IOException {
        Map<?, ?> vocabJson = HuggingFaceTokenizerJson.object(model.get("vocab"), "model.vocab");
        Map<String, Integer> vocab = new HashMap<>(vocabJson.size() * 2);
        for (Map.Entry<?, ?> e : vocabJson.entrySet()) {
            vocab.put((String) e.getKey(), ((Number) e.getValue()).intValue());
        }
        List<?> mergesJson = model.get("merges") instanceof List<?> l ? l : List.of();
        List<String[]> merges = new ArrayList<>(mergesJson.size());
        for (int i = 0; i < mergesJson.size(); i++) {
            merges.add(HuggingFaceTokenizerJson.mergePair(mergesJson.get(i), i));
        }
        List<SentencePiecePipeline.Step> normalizer = new ArrayList<>();
        normalizer(top.get("normalizer"), normalizer);
        SentencePiecePipeline.Metaspace metaspace = metaspace(top.get("pre_tokenizer"));
        boolean rewrites = normalizer.stream().anyMatch(s -> !(s instanceof SentencePiecePipeline.UnicodeForm));
        for (AddedToken t : added) {
            if (!t.special() && rewrites && normalizedFlag(top, t)) {
                throw new UnsupportedTokenizerFeatureException("tokenizer.json: added token " + t.content()
                        + " is normalized=true and the normalizer rewrites text (Prepend/Replace); not supported");
            }
        }
        boolean byteFallback = Boolean.TRUE.equals(model.get("byte_fallback"));
        Decoder decoder = decoder(top.get("decoder"), byteFallback);
        SentencePieceBpe bpe;
        try {
            bpe = new SentencePieceBpe(
                    vocab,
                    merges,
                    model.get("unk_token") instanceof String u ? u : null,
                    byteFallback,
                    Boolean.TRUE.equals(model.get("fuse_unk")),
                    Boolean.TRUE.equals(model.get("ignore_merges")),
                    decoder.space);
        } catch (IllegalArgumentException e) {
            throw new IOException("tokenizer.json: " + e.getMessage(), e);
        }
        return Encoding.sentencePiece(
                name, new SentencePiecePipeline(bpe, normalizer, metaspace, decoder.stripsLeadingSpace), added, post);
    }

    private static boolean normalizedFlag(Map<?, ?> top, AddedToken token) {
        if (top.get("added_tokens") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && token.content().equals(m.get("content"))) {
                    return !Boolean.FALSE.equals(m.get("normalized"));
                }
            }
        }
        return false;
    }

    private static void normalizer(Object value, List<SentencePiecePipeline.Step> out) throws IOException {
        if (value == null) {
            return;
        }
        Map<?, ?> n = HuggingFaceTokenizerJson.object(value, "normalizer");
        String type = String.valueOf(n.get("type"));
        switch (type) {
            case "Sequence" -> {
                if (!(n.get("normalizers") instanceof List<?> steps)) {
                    throw new IOException("tokenizer.json: normalizer Sequence has no normalizers");
                }
                for (Object step : steps) {
                    normalizer(step, out);
                }
            }
            case "Prepend" -> out.add(new SentencePiecePipeline.Prepend(string(n.get("prepend"), "Prepend.prepend")));
            case "Replace" ->
                out.add(new SentencePiecePipeline.Replace(
                        literal(n.get("pattern"), "normalizer Replace"), string(n.get("content"), "Replace.content")));
            case "NFC", "NFD", "NFKC", "NFKD" ->
                out.add(new SentencePiecePipeline.UnicodeForm(Normalizer.Form.valueOf(type)));
            default ->
                throw new UnsupportedTokenizerFeatureException(
                        "tokenizer.json: normalizer " + type
                                + " is not supported for SentencePiece-style BPE (Prepend, Replace, NFC/NFD/NFKC/NFKD, Sequence)");
        }
    }

    private static SentencePiecePipeline.Metaspace metaspace(Object value) throws IOException {
        if (value == null) {
            return null;
        }
        Map<?, ?> p = HuggingFaceTokenizerJson.object(value, "pre_tokenizer");
        if (!"Metaspace".equals(p.get("type"))) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: pre_tokenizer " + p.get("type")
                            + " is not supported; expected ByteLevel (byte-level BPE), Metaspace or none (SentencePiece-style)");
        }
        String replacement = string(p.get("replacement"), "Metaspace.replacement");
        if (replacement.length() != 1) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: Metaspace replacement must be one character, was '" + replacement + "'");
        }
        return new SentencePiecePipeline.Metaspace(
                replacement.charAt(0), prependScheme(p), !Boolean.FALSE.equals(p.get("split")));
    }

    /** {@code prepend_scheme}, or the older {@code add_prefix_space} flag it replaced. */
    private static SentencePiecePipeline.PrependScheme prependScheme(Map<?, ?> metaspace) {
        Object scheme = metaspace.get("prepend_scheme");
        if (scheme == null) {
            return Boolean.FALSE.equals(metaspace.get("add_prefix_space"))
                    ? SentencePiecePipeline.PrependScheme.NEVER
                    : SentencePiecePipeline.PrependScheme.ALWAYS;
        }
        return switch (String.valueOf(scheme)) {
            case "always" -> SentencePiecePipeline.PrependScheme.ALWAYS;
            case "first" -> SentencePiecePipeline.PrependScheme.FIRST;
            case "never" -> SentencePiecePipeline.PrependScheme.NEVER;
            default ->
                throw new UnsupportedTokenizerFeatureException("tokenizer.json: Metaspace prepend_scheme " + scheme
                        + " is not supported (always, first, never)");
        };
    }

    /** What the decoder does, checked to be the exact inverse Kiln applies. */
    private record Decoder(char space, boolean stripsLeadingSpace) {}

    private static Decoder decoder(Object value, boolean byteFallback) throws IOException {
        List<Map<?, ?>> steps = new ArrayList<>();
        if (value != null) {
            flatten(HuggingFaceTokenizerJson.object(value, "decoder"), steps);
        }
        Character space = null;
        boolean strips = false;
        boolean hasByteFallback = false;
        for (Map<?, ?> step : steps) {
            String type = String.valueOf(step.get("type"));
            switch (type) {
                case "Replace" -> {
                    String pattern = literal(step.get("pattern"), "decoder Replace");
                    if (pattern.length() != 1 || !" ".equals(step.get("content"))) {
                        throw new UnsupportedTokenizerFeatureException(
                                "tokenizer.json: decoder Replace must map one character to a space, was " + step);
                    }
                    space = pattern.charAt(0);
                }
                case "ByteFallback" -> hasByteFallback = true;
                case "Fuse" -> {}
                case "Strip" -> {
                    int start = ((Number) step.get("start")).intValue();
                    int stop = ((Number) step.get("stop")).intValue();
                    if (!" ".equals(step.get("content")) || start > 1 || stop != 0) {
                        throw new UnsupportedTokenizerFeatureException(
                                "tokenizer.json: decoder Strip is supported only as (\" \", start ≤ 1, stop 0), was "
                                        + step);
                    }
                    strips = start == 1;
                }
                case "Metaspace" -> {
                    String replacement = string(step.get("replacement"), "decoder Metaspace.replacement");
                    space = replacement.charAt(0);
                    strips = prependScheme(step) != SentencePiecePipeline.PrependScheme.NEVER;
                }
                default ->
                    throw new UnsupportedTokenizerFeatureException(
                            "tokenizer.json: decoder " + type
                                    + " is not supported for SentencePiece-style BPE (Replace, ByteFallback, Fuse, Strip, Metaspace)");
            }
        }
        if (space == null) {
            throw new UnsupportedTokenizerFeatureException("tokenizer.json: the decoder does not turn " + METASPACE
                    + " back into spaces (expected Replace or Metaspace); decoding would not round-trip");
        }
        if (byteFallback != hasByteFallback) {
            throw new UnsupportedTokenizerFeatureException("tokenizer.json: model.byte_fallback is " + byteFallback
                    + " but the decoder " + (hasByteFallback ? "has" : "lacks") + " ByteFallback");
        }
        return new Decoder(space, strips);
    }

    private static void flatten(Map<?, ?> decoder, List<Map<?, ?>> out) throws IOException {
        if ("Sequence".equals(decoder.get("type"))) {
            if (!(decoder.get("decoders") instanceof List<?> list)) {
                throw new IOException("tokenizer.json: decoder Sequence has no decoders");
            }
            for (Object d : list) {
                flatten(HuggingFaceTokenizerJson.object(d, "decoder"), out);
            }
        } else {
            out.add(decoder);
        }
    }

    /** A Replace pattern: only {@code {"String": …}}; regex patterns are refused. */
    private static String literal(Object pattern, String what) throws IOException {
        Map<?, ?> p = HuggingFaceTokenizerJson.object(pattern, what + ".pattern");
        if (p.get("String") instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new UnsupportedTokenizerFeatureException(
                "tokenizer.json: " + what + " with pattern " + p + " is not supported (only a String pattern)");
    }

    private static String string(Object value, String what) throws IOException {
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IOException("tokenizer.json: " + what + " is missing or empty");
    }
}
