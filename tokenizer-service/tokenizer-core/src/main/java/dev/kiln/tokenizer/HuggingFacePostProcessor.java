package dev.kiln.tokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code tokenizer.json} {@code post_processor} as the ids it adds around one sequence:
 * {@code TemplateProcessing} (its {@code single} template), {@code RobertaProcessing} and
 * {@code BertProcessing} ({@code cls $A sep}), {@code ByteLevel} (offsets only: adds nothing) and a
 * {@code Sequence} of these. Anything else is refused, naming the type.
 */
final class HuggingFacePostProcessor {
    private HuggingFacePostProcessor() {}

    static PostProcessor read(Object value) throws IOException {
        if (value == null) {
            return PostProcessor.NONE;
        }
        Map<?, ?> p = HuggingFaceTokenizerJson.object(value, "post_processor");
        Object type = p.get("type");
        if (!(type instanceof String t)) {
            throw new IOException("tokenizer.json: post_processor has no type");
        }
        return switch (t) {
            case "ByteLevel" -> PostProcessor.NONE;
            case "TemplateProcessing" -> template(p);
            case "RobertaProcessing", "BertProcessing" ->
                new PostProcessor(
                        new int[] {idOfPair(p.get("cls"), t + ".cls")}, new int[] {idOfPair(p.get("sep"), t + ".sep")});
            case "Sequence" -> {
                PostProcessor result = PostProcessor.NONE;
                if (!(p.get("processors") instanceof List<?> steps)) {
                    throw new IOException("tokenizer.json: post_processor Sequence has no processors");
                }
                for (Object step : steps) {
                    result = read(step).around(result);
                }
                yield result;
            }
            default ->
                throw new UnsupportedTokenizerFeatureException(
                        "tokenizer.json: post_processor " + t
                                + " is not supported (TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel, Sequence)");
        };
    }

    private static PostProcessor template(Map<?, ?> p) throws IOException {
        if (!(p.get("single") instanceof List<?> single)) {
            throw new IOException("tokenizer.json: TemplateProcessing has no single template");
        }
        Map<?, ?> specials = p.get("special_tokens") instanceof Map<?, ?> m ? m : Map.of();
        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        boolean seenSequence = false;
        for (Object piece : single) {
            Map<?, ?> item = HuggingFaceTokenizerJson.object(piece, "TemplateProcessing.single[]");
            if (item.get("Sequence") instanceof Map<?, ?> seq) {
                if (seenSequence || !"A".equals(seq.get("id"))) {
                    throw new UnsupportedTokenizerFeatureException(
                            "tokenizer.json: TemplateProcessing single template must hold $A exactly once: " + single);
                }
                seenSequence = true;
            } else if (item.get("SpecialToken") instanceof Map<?, ?> special) {
                Object name = special.get("id");
                if (!(specials.get(name) instanceof Map<?, ?> entry) || !(entry.get("ids") instanceof List<?> ids)) {
                    throw new IOException("tokenizer.json: TemplateProcessing uses " + name
                            + ", which its special_tokens do not define");
                }
                for (Object id : ids) {
                    (seenSequence ? suffix : prefix).add(((Number) id).intValue());
                }
            } else {
                throw new IOException(
                        "tokenizer.json: TemplateProcessing piece is neither Sequence nor SpecialToken: " + item);
            }
        }
        if (!seenSequence) {
            throw new UnsupportedTokenizerFeatureException(
                    "tokenizer.json: TemplateProcessing single template has no $A: " + single);
        }
        return new PostProcessor(
                prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Roberta/Bert write a token as {@code ["<s>", 0]}. */
    private static int idOfPair(Object value, String what) throws IOException {
        if (value instanceof List<?> pair && pair.size() == 2 && pair.get(1) instanceof Number id) {
            return id.intValue();
        }
        throw new IOException("tokenizer.json: post_processor " + what + " is not [token, id]");
    }
}
