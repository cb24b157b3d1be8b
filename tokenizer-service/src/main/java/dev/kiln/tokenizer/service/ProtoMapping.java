package dev.kiln.tokenizer.service;

import dev.kiln.proto.tokenizer.v1.EncodingInfo;
import dev.kiln.proto.tokenizer.v1.EncodingSource;
import dev.kiln.proto.tokenizer.v1.TokenSpan;
import dev.kiln.tokenizer.EncodedText;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.SpecialTokenPolicy;
import dev.kiln.tokenizer.catalog.EncodingCatalog;
import java.util.ArrayList;
import java.util.List;

/** Maps between the v1 messages and tokenizer-core's types. */
final class ProtoMapping {

    private ProtoMapping() {}

    /** tiktoken's semantics: allowed tokens encode to ids; the rest are errors, or text when asked. */
    static SpecialTokenPolicy policy(dev.kiln.proto.tokenizer.v1.SpecialTokenPolicy proto, Encoding encoding) {
        if (proto.getAllowAll()) {
            return SpecialTokenPolicy.allowAll();
        }
        for (String token : proto.getAllowedList()) {
            if (!encoding.specialTokens().containsKey(token)) {
                throw new IllegalArgumentException("special_tokens.allowed names '" + token
                        + "', which is not a special token of " + encoding.name() + "; its special tokens are "
                        + encoding.specialTokens().keySet());
            }
        }
        if (proto.getAllowedCount() == 0) {
            return proto.getEncodeDisallowedAsText()
                    ? SpecialTokenPolicy.treatAsText()
                    : SpecialTokenPolicy.disallowAll();
        }
        return proto.getEncodeDisallowedAsText()
                ? SpecialTokenPolicy.of(proto.getAllowedList(), List.of())
                : SpecialTokenPolicy.allow(proto.getAllowedList());
    }

    static List<TokenSpan> spans(EncodedText encoded) {
        List<TokenSpan> spans = new ArrayList<>(encoded.size());
        for (dev.kiln.tokenizer.TokenSpan span : encoded.spans()) {
            spans.add(TokenSpan.newBuilder()
                    .setCharStart(span.charStart())
                    .setCharEnd(span.charEnd())
                    .setByteStart(span.byteStart())
                    .setByteEnd(span.byteEnd())
                    .build());
        }
        return spans;
    }

    static EncodingInfo info(Encoding encoding, EncodingCatalog.Source source) {
        EncodingInfo.Builder info = EncodingInfo.newBuilder()
                .setName(encoding.name())
                .setVocabSize(encoding.vocabularySize())
                .setPattern(encoding.pattern())
                .putAllSpecialTokens(encoding.specialTokens())
                .setSource(source(source));
        encoding.endOfText().ifPresent(info::setEosTokenId);
        return info.build();
    }

    static EncodingSource source(EncodingCatalog.Source source) {
        return switch (source) {
            case BUILTIN -> EncodingSource.ENCODING_SOURCE_BUILTIN;
            case FILE -> EncodingSource.ENCODING_SOURCE_FILE;
            case TRAINED -> EncodingSource.ENCODING_SOURCE_TRAINED;
        };
    }
}
