package dev.kiln.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link Encoding} as a self-contained Hugging Face {@code tokenizer.json}: the vocab, one
 * merge per multi-byte token (found by {@link MergeFinder}), {@code ignore_merges: true}, special
 * tokens as added tokens, and the pattern as a {@code Split} pre-tokenizer with {@code \z} for
 * {@code $} (Hugging Face's regex engine reads {@code $} as end of line).
 */
final class HuggingFaceTokenizerJsonWriter {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private HuggingFaceTokenizerJsonWriter() {}

    static void write(Encoding encoding, OutputStream out, HuggingFaceTokenizerJson.MergesFormat format)
            throws IOException {
        if (encoding.isSentencePiece()) {
            throw new UnsupportedTokenizerFeatureException("the SentencePiece-style encoding " + encoding.name()
                    + " is served as read; it cannot be written as a rank file or a byte-level tokenizer.json");
        }
        RankTable ranks = encoding.ranks();
        int[] ids = TiktokenRankFile.idsInRankOrder(ranks);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("version", "1.0");
            g.writeNullField("truncation");
            g.writeNullField("padding");
            g.writeArrayFieldStart("added_tokens");
            List<Map.Entry<String, Integer>> specials =
                    new ArrayList<>(encoding.specialTokens().entrySet());
            specials.sort(Map.Entry.comparingByValue());
            for (Map.Entry<String, Integer> s : specials) {
                g.writeStartObject();
                g.writeNumberField("id", s.getValue());
                g.writeStringField("content", s.getKey());
                g.writeBooleanField("single_word", false);
                g.writeBooleanField("lstrip", false);
                g.writeBooleanField("rstrip", false);
                g.writeBooleanField("normalized", false);
                g.writeBooleanField("special", true);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (encoding.normalization() == null) {
                g.writeNullField("normalizer");
            } else {
                g.writeObjectFieldStart("normalizer");
                g.writeStringField("type", encoding.normalization().name());
                g.writeEndObject();
            }
            g.writeFieldName("pre_tokenizer");
            writePreTokenizer(g, encoding.pattern());
            g.writeNullField("post_processor");
            g.writeObjectFieldStart("decoder");
            g.writeStringField("type", "ByteLevel");
            g.writeBooleanField("add_prefix_space", false);
            g.writeBooleanField("trim_offsets", false);
            g.writeBooleanField("use_regex", false);
            g.writeEndObject();
            g.writeObjectFieldStart("model");
            g.writeStringField("type", "BPE");
            g.writeNullField("dropout");
            g.writeNullField("unk_token");
            g.writeNullField("continuing_subword_prefix");
            g.writeNullField("end_of_word_suffix");
            g.writeBooleanField("fuse_unk", false);
            g.writeBooleanField("byte_fallback", false);
            g.writeBooleanField("ignore_merges", true);
            g.writeObjectFieldStart("vocab");
            for (int id : ids) {
                g.writeNumberField(ByteLevelAlphabet.encode(ranks.bytes(id)), id);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("merges");
            MergeFinder finder = new MergeFinder(ranks);
            for (int id : ids) {
                byte[] bytes = ranks.bytes(id);
                if (bytes.length < 2) {
                    continue;
                }
                int split = finder.lastMergeSplit(bytes, ranks.rankOfId(id));
                if (split < 0) {
                    continue; // not reachable by merges; still encoded whole as a pre-token (ignore_merges)
                }
                String left = ByteLevelAlphabet.encode(Arrays.copyOfRange(bytes, 0, split));
                String right = ByteLevelAlphabet.encode(Arrays.copyOfRange(bytes, split, bytes.length));
                if (format == HuggingFaceTokenizerJson.MergesFormat.PAIRS) {
                    g.writeStartArray();
                    g.writeString(left);
                    g.writeString(right);
                    g.writeEndArray();
                } else {
                    g.writeString(left + " " + right);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writePreTokenizer(JsonGenerator g, String pattern) throws IOException {
        g.writeStartObject();
        if (pattern.equals(Pretokenizer.R50K_PATTERN) || pattern.equals(HuggingFaceTokenizerJson.BYTE_LEVEL_REGEX)) {
            g.writeStringField("type", "ByteLevel");
            g.writeBooleanField("add_prefix_space", false);
            g.writeBooleanField("trim_offsets", true);
            g.writeBooleanField("use_regex", true);
        } else {
            g.writeStringField("type", "Sequence");
            g.writeArrayFieldStart("pretokenizers");
            g.writeStartObject();
            g.writeStringField("type", "Split");
            g.writeObjectFieldStart("pattern");
            // Hugging Face's regex engine reads $ as end of line; \z is end of text in every engine
            g.writeStringField("Regex", Pretokenizer.translateDollar(pattern));
            g.writeEndObject();
            g.writeStringField("behavior", "Isolated");
            g.writeBooleanField("invert", false);
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("type", "ByteLevel");
            g.writeBooleanField("add_prefix_space", false);
            g.writeBooleanField("trim_offsets", true);
            g.writeBooleanField("use_regex", false);
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Finds the merge that creates a token: BPE on its bytes using only tokens of lower rank. */
    private static final class MergeFinder {
        private final RankTable ranks;

        MergeFinder(RankTable ranks) {
            this.ranks = ranks;
        }

        /** Split point of the last merge, or -1 if lower ranks do not reduce the token to two parts. */
        int lastMergeSplit(byte[] token, int rankLimit) {
            byte[] buf = Arrays.copyOf(token, token.length + RankTable.PADDING);
            int n = token.length;
            int[] starts = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                starts[i] = i;
            }
            int parts = n;
            while (parts > 2) {
                int best = Integer.MAX_VALUE;
                int at = -1;
                for (int i = 0; i + 1 < parts; i++) {
                    long v = ranks.lookup(buf, starts[i], starts[i + 2] - starts[i]);
                    if (v != RankTable.MISSING && RankTable.rank(v) < rankLimit && RankTable.rank(v) < best) {
                        best = RankTable.rank(v);
                        at = i;
                    }
                }
                if (at < 0) {
                    return -1;
                }
                System.arraycopy(starts, at + 2, starts, at + 1, parts - at - 1);
                parts--;
            }
            return parts == 2 ? starts[1] : -1;
        }
    }
}
