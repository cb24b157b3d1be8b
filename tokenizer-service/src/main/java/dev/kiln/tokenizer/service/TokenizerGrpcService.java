package dev.kiln.tokenizer.service;

import com.google.protobuf.ByteString;
import dev.kiln.proto.grpc.GrpcReplies;
import dev.kiln.proto.tokenizer.v1.CountTokensRequest;
import dev.kiln.proto.tokenizer.v1.CountTokensResponse;
import dev.kiln.proto.tokenizer.v1.DetokenizeRequest;
import dev.kiln.proto.tokenizer.v1.DetokenizeResponse;
import dev.kiln.proto.tokenizer.v1.GetEncodingRequest;
import dev.kiln.proto.tokenizer.v1.GetEncodingResponse;
import dev.kiln.proto.tokenizer.v1.ItemError;
import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.ListEncodingsResponse;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse;
import dev.kiln.tokenizer.EncodedText;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.SpecialTokenPolicy;
import dev.kiln.tokenizer.catalog.EncodingCatalog;
import dev.kiln.tokenizer.catalog.EncodingStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/**
 * gRPC adapter of the tokenizer: validates each request, calls tokenizer-core, maps the result.
 * Tokenizing is CPU work, so every RPC runs on a worker thread, never on the event loop.
 */
@GrpcService
public class TokenizerGrpcService extends TokenizerServiceGrpc.TokenizerServiceImplBase {

    private static final TokenizerStatusMapper ERRORS = TokenizerStatusMapper.INSTANCE;

    @Inject
    EncodingCatalog catalog;

    @Inject
    TokenizerServiceConfig config;

    @Inject
    EncodingStore store;

    @Override
    @Blocking
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            Encoding encoding = encoding(request.getEncoding());
            checkText(request.getText(), "text");
            SpecialTokenPolicy policy = ProtoMapping.policy(request.getSpecialTokens(), encoding);
            TokenizeResponse.Builder out = TokenizeResponse.newBuilder();
            int[] prefix =
                    request.getAddSpecialTokens() ? encoding.postProcessor().prefix() : new int[0];
            int[] suffix =
                    request.getAddSpecialTokens() ? encoding.postProcessor().suffix() : new int[0];
            addIds(out, prefix);
            if (request.getIncludeOffsets()) {
                EncodedText encoded = encoding.encodeWithOffsets(request.getText(), policy);
                addIds(out, encoded.ids());
                addEmptySpans(out, prefix.length);
                out.addAllOffsets(ProtoMapping.spans(encoded));
                addEmptySpans(out, suffix.length);
            } else {
                addIds(out, encoding.encode(request.getText(), policy));
            }
            addIds(out, suffix);
            return out.build();
        });
    }

    /** Ids the post-processor added stand at no place in the text: an empty span at 0, as Hugging Face's. */
    private static void addEmptySpans(TokenizeResponse.Builder out, int count) {
        for (int i = 0; i < count; i++) {
            out.addOffsets(dev.kiln.proto.tokenizer.v1.TokenSpan.getDefaultInstance());
        }
    }

    @Override
    @Blocking
    public void detokenize(DetokenizeRequest request, StreamObserver<DetokenizeResponse> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            Encoding encoding = encoding(request.getEncoding());
            if (request.getIdsCount() > config.maxIds()) {
                throw TokenizerStatusMapper.tooLarge("ids holds " + request.getIdsCount() + " ids; the limit is "
                        + config.maxIds() + " (kiln.tokenizer.max-ids): split the request");
            }
            int[] ids = new int[request.getIdsCount()];
            int kept = 0;
            for (int i = 0; i < ids.length; i++) {
                int id = request.getIds(i);
                if (id < 0 || !encoding.containsId(id)) {
                    throw new IllegalArgumentException(
                            "ids[" + i + "] = " + Integer.toUnsignedString(id) + " is not a token of " + encoding.name()
                                    + " (ids 0.." + (encoding.vocabularySize() - 1) + ")");
                }
                if (!(request.getSkipSpecialTokens() && encoding.isSpecial(id))) {
                    ids[kept++] = id;
                }
            }
            byte[] raw = encoding.decodeBytes(kept == ids.length ? ids : java.util.Arrays.copyOf(ids, kept));
            return DetokenizeResponse.newBuilder()
                    .setText(new String(raw, java.nio.charset.StandardCharsets.UTF_8))
                    .setRaw(ByteString.copyFrom(raw))
                    .build();
        });
    }

    @Override
    @Blocking
    public void countTokens(CountTokensRequest request, StreamObserver<CountTokensResponse> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            Encoding encoding = encoding(request.getEncoding());
            checkText(request.getText(), "text");
            SpecialTokenPolicy policy = ProtoMapping.policy(request.getSpecialTokens(), encoding);
            return CountTokensResponse.newBuilder()
                    .setCount(encoding.countTokens(request.getText(), policy))
                    .build();
        });
    }

    @Override
    @Blocking
    public void listEncodings(ListEncodingsRequest request, StreamObserver<ListEncodingsResponse> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            ListEncodingsResponse.Builder out = ListEncodingsResponse.newBuilder();
            for (String name : catalog.names()) {
                catalog.find(name)
                        .ifPresent(e -> catalog.sourceOf(name)
                                .ifPresent(source -> out.addEncodings(ProtoMapping.info(e, source))));
            }
            return out.build();
        });
    }

    @Override
    @Blocking
    public void getEncoding(GetEncodingRequest request, StreamObserver<GetEncodingResponse> response) {
        GrpcReplies.unary(response, ERRORS, () -> {
            Encoding encoding = encoding(request.getEncoding());
            GetEncodingResponse.Builder out = GetEncodingResponse.newBuilder()
                    .setInfo(ProtoMapping.info(
                            encoding, catalog.sourceOf(encoding.name()).orElseThrow()));
            switch (request.getFormat()) {
                case ENCODING_FORMAT_UNSPECIFIED -> {}
                case ENCODING_FORMAT_TIKTOKEN -> out.setData(ByteString.copyFrom(EncodingFiles.tiktoken(encoding)));
                case ENCODING_FORMAT_HF_TOKENIZER_JSON ->
                    out.setData(ByteString.copyFrom(EncodingFiles.tokenizerJson(encoding)));
                default ->
                    throw new IllegalArgumentException("format " + request.getFormatValue()
                            + " is not known; use ENCODING_FORMAT_TIKTOKEN or ENCODING_FORMAT_HF_TOKENIZER_JSON");
            }
            return out.build();
        });
    }

    /**
     * Bulk tokenization with flow control both ways: the next request is read only once the
     * client can take the previous response, so a slow reader throttles its writer and neither
     * side buffers without bound. A bad item fails alone, in its own response.
     */
    @Override
    @Blocking
    public StreamObserver<TokenizeStreamRequest> tokenizeStream(StreamObserver<TokenizeStreamResponse> response) {
        ServerCallStreamObserver<TokenizeStreamResponse> call =
                (ServerCallStreamObserver<TokenizeStreamResponse>) response;
        call.disableAutoRequest();
        call.setOnReadyHandler(() -> {
            if (call.isReady()) {
                call.request(1);
            }
        });
        call.request(1);
        return new StreamObserver<>() {
            @Override
            public void onNext(TokenizeStreamRequest item) {
                if (item.getText().length() > config.maxTextChars()) {
                    call.onError(TokenizerStatusMapper.tooLarge("item '" + item.getId() + "' holds "
                            + item.getText().length()
                            + " chars; the limit per item is " + config.maxTextChars()
                            + " (kiln.tokenizer.max-text-chars): split the text"));
                    return;
                }
                call.onNext(tokenizeItem(item));
                if (call.isReady()) {
                    call.request(1);
                }
            }

            @Override
            public void onError(Throwable t) {
                // The client went away; nothing is left to answer.
            }

            @Override
            public void onCompleted() {
                call.onCompleted();
            }
        };
    }

    @Override
    @Blocking
    public StreamObserver<TrainTokenizerRequest> trainTokenizer(StreamObserver<TrainTokenizerResponse> response) {
        return new TokenizerTraining(response, catalog, store, config.maxTrainingBytes());
    }

    private TokenizeStreamResponse tokenizeItem(TokenizeStreamRequest item) {
        TokenizeStreamResponse.Builder out = TokenizeStreamResponse.newBuilder().setId(item.getId());
        try {
            Encoding encoding = encoding(item.getEncoding());
            SpecialTokenPolicy policy = ProtoMapping.policy(item.getSpecialTokens(), encoding);
            if (item.getIncludeOffsets()) {
                EncodedText encoded = encoding.encodeWithOffsets(item.getText(), policy);
                for (int id : encoded.ids()) {
                    out.addIds(id);
                }
                out.addAllOffsets(ProtoMapping.spans(encoded));
            } else {
                for (int id : encoding.encode(item.getText(), policy)) {
                    out.addIds(id);
                }
            }
        } catch (RuntimeException e) {
            Status status = ERRORS.toStatus(e);
            out.clearIds()
                    .clearOffsets()
                    .setError(ItemError.newBuilder()
                            .setCode(status.getCode().value())
                            .setMessage(String.valueOf(status.getDescription())));
        }
        return out.build();
    }

    private Encoding encoding(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("encoding is required; ListEncodings lists them: " + catalog.names());
        }
        return catalog.require(name);
    }

    private void checkText(String text, String field) {
        if (text.length() > config.maxTextChars()) {
            throw TokenizerStatusMapper.tooLarge(field + " holds " + text.length() + " chars; the limit is "
                    + config.maxTextChars() + " (kiln.tokenizer.max-text-chars): split the text or use TokenizeStream");
        }
    }

    private static void addIds(TokenizeResponse.Builder out, int[] ids) {
        for (int id : ids) {
            out.addIds(id);
        }
    }
}
