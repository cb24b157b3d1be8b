package dev.kiln.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Hugging Face {@code tokenizer.json} files of BPE models — byte-level (GPT-2, Llama 3, Qwen)
 * here, SentencePiece-style (Llama 2, Mistral, TinyLlama) in {@link HuggingFaceSentencePiece} — with
 * their {@code added_tokens} and post-processor ({@link HuggingFacePostProcessor}); writes byte-level
 * ones.
 *
 * <p>Read: {@code model.vocab} and {@code model.merges} (both the old {@code "a b"} strings and the newer
 * {@code ["a","b"]} pairs), the pre-tokenizer ({@code ByteLevel} with its GPT-2 regex, or a
 * {@code Sequence} of a {@code Split} regex with behaviour {@code Isolated} and a {@code ByteLevel}
 * without regex), Unicode normalizers (NFC etc.), and {@code added_tokens}, which become special tokens. Encoding then follows
 * tiktoken's rule with the merge list's order as priority: a pair merges when its concatenation is the
 * result of some listed merge. For vocabularies built by BPE training (every file named above, and
 * every file {@link #write} produces) this gives the ids Hugging Face gives. Unsupported features
 * (other normalizers, {@code add_prefix_space}, word prefixes/suffixes, other models) are rejected with
 * an {@link UnsupportedTokenizerFeatureException} naming the component rather than silently
 * mis-tokenized.
 *
 * <p>Write: the vocab, one merge per multi-byte token (found by re-running BPE on the token's bytes
 * with only lower ranks allowed), the special tokens as added tokens, and {@code ignore_merges: true}
 * because tiktoken emits a pre-token that is itself a token whole.
 */
public final class HuggingFaceTokenizerJson {
    /** How merges are spelled in a written file. */
    public enum MergesFormat {
        /** {@code ["Ġ", "t"]}: tokenizers ≥ 0.20; tokens may contain spaces. */
        PAIRS,
        /** {@code "Ġ t"}: the original format, read by every version. */
        STRINGS
    }

    /** The regex Hugging Face's ByteLevel pre-tokenizer applies when {@code use_regex} is true. */
    static final String BYTE_LEVEL_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceTokenizerJson() {}

    public static Encoding read(Path file, String name) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name);
        }
    }

    public static Encoding read(InputStream in, String name) throws IOException {
        Object root = JSON.readValue(in, Object.class);
        if (!(root instanceof Map<?, ?> top)) {
            throw new IOException("tokenizer.json: top level is not an object");
        }
        Map<?, ?> model = object(top.get("model"), "model");
        Object type = model.get("type");
        if (type != null && !"BPE".equals(type)) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: model type " + type + " is not supported (only BPE)");
        }
        requireEmpty(model.get("continuing_subword_prefix"), "model.continuing_subword_prefix");
        requireEmpty(model.get("end_of_word_suffix"), "model.end_of_word_suffix");
        if (model.get("dropout") instanceof Number) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: model.dropout (random merges) is not supported");
        }
        List<AddedToken> added = addedTokens(top.get("added_tokens"));
        PostProcessor post = HuggingFacePostProcessor.read(top.get("post_processor"));
        if (!isByteLevel(top.get("pre_tokenizer"))) {
            return HuggingFaceSentencePiece.read(top, model, name, added, post);
        }
        if (Boolean.TRUE.equals(model.get("byte_fallback"))) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: byte_fallback with a ByteLevel pre-tokenizer is not supported");
        }
        java.text.Normalizer.Form normalization = normalization(top.get("normalizer"));
        String pattern = pattern(top.get("pre_tokenizer"));
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (AddedToken t : added) {
            specials.put(t.content(), t.id());
        }

        Map<?, ?> vocab = object(model.get("vocab"), "model.vocab");
        Map<String, Integer> idByToken = new HashMap<>(vocab.size() * 2);
        for (Map.Entry<?, ?> e : vocab.entrySet()) {
            idByToken.put((String) e.getKey(), ((Number) e.getValue()).intValue());
        }
        // a merge's result gets the merge's position as its rank: lower merges first
        Object mergesValue = model.get("merges");
        List<?> merges = mergesValue instanceof List<?> l ? l : List.of();
        Map<String, Integer> mergeRank = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) {
            String[] pair = mergePair(merges.get(i), i);
            String merged = pair[0] + pair[1];
            if (!idByToken.containsKey(merged)) {
                throw new IOException("tokenizer.json: merge " + i + " (" + pair[0] + " " + pair[1]
                        + ") makes a token that is not in the vocab");
            }
            mergeRank.putIfAbsent(merged, i);
        }
        int base = 256;
        int unreachable = base + merges.size();
        List<String> tokens = new ArrayList<>();
        for (Map.Entry<String, Integer> e : idByToken.entrySet()) {
            Integer specialId = specials.get(e.getKey());
            if (specialId != null && specialId.equals(e.getValue())) {
                continue; // GPT-2 lists <|endoftext|> in the vocab too; it is a special token, not a mergeable one
            }
            tokens.add(e.getKey());
        }
        tokens.sort((a, b) -> Integer.compare(idByToken.get(a), idByToken.get(b)));
        // if ids already follow merge order (files written from rank files), keep rank == id
        boolean idsInMergeOrder = true;
        int lastRank = -1;
        for (String t : tokens) {
            int rank = rankOf(t, mergeRank, base, unreachable);
            if (rank < lastRank) {
                idsInMergeOrder = false;
                break;
            }
            lastRank = rank;
        }
        RankTable.Builder builder = new RankTable.Builder();
        for (String t : tokens) {
            int id = idByToken.get(t);
            byte[] bytes = ByteLevelAlphabet.decode(t);
            int rank = idsInMergeOrder ? id : bytes.length == 1 ? id : rankOf(t, mergeRank, base, unreachable + id);
            builder.add(bytes, rank, id);
        }
        return new Encoding(name, Pretokenizer.forPattern(pattern), builder.build(), added, normalization, post);
    }

    /** True when the pre-tokenizer is, or ends in, ByteLevel: a byte-level BPE file. */
    private static boolean isByteLevel(Object preTokenizer) {
        if (!(preTokenizer instanceof Map<?, ?> pre)) {
            return false;
        }
        if ("ByteLevel".equals(pre.get("type"))) {
            return true;
        }
        return "Sequence".equals(pre.get("type"))
                && pre.get("pretokenizers") instanceof List<?> steps
                && !steps.isEmpty()
                && steps.get(steps.size() - 1) instanceof Map<?, ?> last
                && "ByteLevel".equals(last.get("type"));
    }

    /** {@code added_tokens} with their flags; Hugging Face's defaults for a missing flag. */
    static List<AddedToken> addedTokens(Object value) throws IOException {
        List<AddedToken> out = new ArrayList<>();
        if (!(value instanceof List<?> list)) {
            return out;
        }
        for (Object o : list) {
            Map<?, ?> t = object(o, "added_tokens[]");
            if (!(t.get("content") instanceof String content) || !(t.get("id") instanceof Number id)) {
                throw new IOException("tokenizer.json: an added token lacks content or id: " + t);
            }
            out.add(new AddedToken(
                    content,
                    id.intValue(),
                    Boolean.TRUE.equals(t.get("special")),
                    Boolean.TRUE.equals(t.get("single_word")),
                    Boolean.TRUE.equals(t.get("lstrip")),
                    Boolean.TRUE.equals(t.get("rstrip"))));
        }
        return out;
    }

    /** Unicode normalizers (Qwen2 uses NFC); anything else changes text in ways tiktoken never does. */
    private static java.text.Normalizer.Form normalization(Object normalizer) throws IOException {
        if (normalizer == null) {
            return null;
        }
        Object type = object(normalizer, "normalizer").get("type");
        if (type instanceof String t) {
            switch (t) {
                case "NFC" -> {
                    return java.text.Normalizer.Form.NFC;
                }
                case "NFD" -> {
                    return java.text.Normalizer.Form.NFD;
                }
                case "NFKC" -> {
                    return java.text.Normalizer.Form.NFKC;
                }
                case "NFKD" -> {
                    return java.text.Normalizer.Form.NFKD;
                }
                default -> {}
            }
        }
        throw new UnsupportedTokenizerFeatureException(
                "tokenizer.json: normalizer " + type + " is not supported with ByteLevel (only NFC, NFD, NFKC, NFKD)");
    }

    private static int rankOf(String token, Map<String, Integer> mergeRank, int base, int fallback) {
        if (token.length() == 1) {
            return 0;
        }
        Integer r = mergeRank.get(token);
        return r != null ? base + r : fallback;
    }

    static String[] mergePair(Object merge, int index) throws IOException {
        if (merge instanceof String s) {
            int space = s.indexOf(' ');
            if (space <= 0 || s.indexOf(' ', space + 1) >= 0) {
                throw new IOException("tokenizer.json: merge " + index + " is not 'a b': " + s);
            }
            return new String[] {s.substring(0, space), s.substring(space + 1)};
        }
        if (merge instanceof List<?> l
                && l.size() == 2
                && l.get(0) instanceof String a
                && l.get(1) instanceof String b) {
            return new String[] {a, b};
        }
        throw new IOException("tokenizer.json: merge " + index + " is neither 'a b' nor [a, b]");
    }

    /** The tiktoken-style pattern equivalent to a supported pre_tokenizer. */
    private static String pattern(Object preTokenizer) throws IOException {
        Map<?, ?> pre = object(preTokenizer, "pre_tokenizer");
        String type = (String) pre.get("type");
        if ("ByteLevel".equals(type)) {
            checkByteLevel(pre);
            if (Boolean.FALSE.equals(pre.get("use_regex"))) {
                throw new UnsupportedTokenizerFeatureException(
                        "tokenizer.json: ByteLevel pre-tokenizer without regex and without Split "
                                + "would treat the whole text as one piece; not supported");
            }
            return BYTE_LEVEL_REGEX;
        }
        if ("Sequence".equals(type)) {
            List<?> steps = (List<?>) pre.get("pretokenizers");
            if (steps != null && steps.size() == 2) {
                Map<?, ?> split = object(steps.get(0), "pre_tokenizer.pretokenizers[0]");
                Map<?, ?> byteLevel = object(steps.get(1), "pre_tokenizer.pretokenizers[1]");
                if ("Split".equals(split.get("type")) && "ByteLevel".equals(byteLevel.get("type"))) {
                    checkByteLevel(byteLevel);
                    if (!Boolean.FALSE.equals(byteLevel.get("use_regex"))) {
                        throw new UnsupportedTokenizerFeatureException(
                                "tokenizer.json: Split followed by ByteLevel with use_regex is not supported");
                    }
                    if (!"Isolated".equals(split.get("behavior")) || Boolean.TRUE.equals(split.get("invert"))) {
                        throw new UnsupportedTokenizerFeatureException(
                                "tokenizer.json: only Split with behavior Isolated and invert false is supported");
                    }
                    Map<?, ?> pattern = object(split.get("pattern"), "Split.pattern");
                    if (pattern.get("Regex") instanceof String regex) {
                        return regex;
                    }
                    if (pattern.get("String") instanceof String literal) {
                        return java.util.regex.Pattern.quote(literal);
                    }
                }
            }
        }
        throw new UnsupportedTokenizerFeatureException("tokenizer.json: pre_tokenizer " + type
                + " is not supported; expected ByteLevel, "
                + "or Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)]");
    }

    private static void checkByteLevel(Map<?, ?> byteLevel) throws IOException {
        if (Boolean.TRUE.equals(byteLevel.get("add_prefix_space"))) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: ByteLevel add_prefix_space=true is not supported");
        }
    }

    private static void requireEmpty(Object value, String what) throws IOException {
        if (value != null && !"".equals(value)) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: " + what + " = '" + value + "' is not supported");
        }
    }

    static Map<?, ?> object(Object value, String what) throws IOException {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new IOException("tokenizer.json: " + what + " is missing or not an object");
    }

    public static void write(Encoding encoding, Path file, MergesFormat format) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(encoding, out, format);
        }
    }

    /** Writes a self-contained tokenizer.json (see {@link HuggingFaceTokenizerJsonWriter}). */
    public static void write(Encoding encoding, OutputStream out, MergesFormat format) throws IOException {
        HuggingFaceTokenizerJsonWriter.write(encoding, out, format);
    }
}
