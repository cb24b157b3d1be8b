package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.BatchTokenizer;
import dev.kiln.proto.tokenizer.v1.GetEncodingRequest;
import dev.kiln.proto.tokenizer.v1.GetEncodingResponse;
import dev.kiln.proto.tokenizer.v1.SpecialTokenPolicy;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeStreamResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tokenizes batches through the tokenizer service's TokenizeStream: one stream per batch, texts
 * out in order and ids back in order. Web text may contain "<|endoftext|>" literally; it is
 * encoded as text, never as the separator.
 */
final class GrpcBatchTokenizer implements BatchTokenizer {

    private static final long TIMEOUT_SECONDS = 120;

    private final TokenizerServiceGrpc.TokenizerServiceBlockingStub blocking;
    private final TokenizerServiceGrpc.TokenizerServiceStub async;
    private final String encodingName;
    private volatile EncodingSpec spec;

    GrpcBatchTokenizer(
            TokenizerServiceGrpc.TokenizerServiceBlockingStub blocking,
            TokenizerServiceGrpc.TokenizerServiceStub async,
            String encodingName) {
        this.blocking = blocking;
        this.async = async;
        this.encodingName = encodingName;
    }

    @Override
    public EncodingSpec encoding() {
        EncodingSpec known = spec;
        if (known == null) {
            GetEncodingResponse response = blocking.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getEncoding(GetEncodingRequest.newBuilder()
                            .setEncoding(encodingName)
                            .build());
            if (!response.getInfo().hasEosTokenId()) {
                throw Status.FAILED_PRECONDITION
                        .withDescription(
                                "encoding " + encodingName + " has no <|endoftext|> token to separate documents with")
                        .asRuntimeException();
            }
            known = new EncodingSpec(
                    encodingName,
                    response.getInfo().getVocabSize(),
                    response.getInfo().getEosTokenId());
            spec = known;
        }
        return known;
    }

    @Override
    public List<int[]> tokenize(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<TokenizeStreamRequest> requests = async.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .tokenizeStream(new StreamObserver<>() {
                    @Override
                    public void onNext(TokenizeStreamResponse response) {
                        if (response.hasError()) {
                            done.completeExceptionally(
                                    Status.fromCodeValue(response.getError().getCode())
                                            .withDescription("tokenizing document " + response.getId() + ": "
                                                    + response.getError().getMessage())
                                            .asRuntimeException());
                            return;
                        }
                        int[] ids = new int[response.getIdsCount()];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = response.getIds(i);
                        }
                        out.add(ids);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        SpecialTokenPolicy asText =
                SpecialTokenPolicy.newBuilder().setEncodeDisallowedAsText(true).build();
        for (int i = 0; i < texts.size(); i++) {
            requests.onNext(TokenizeStreamRequest.newBuilder()
                    .setId(Integer.toString(i))
                    .setEncoding(encodingName)
                    .setText(texts.get(i))
                    .setSpecialTokens(asText)
                    .build());
        }
        requests.onCompleted();
        try {
            done.get(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw Status.UNAVAILABLE
                    .withDescription("the tokenizer service failed a batch: "
                            + e.getCause().getMessage())
                    .withCause(e.getCause())
                    .asRuntimeException();
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("the tokenizer service did not answer a batch in time")
                    .asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("interrupted while tokenizing")
                    .asRuntimeException();
        }
        if (out.size() != texts.size()) {
            throw Status.INTERNAL
                    .withDescription("the tokenizer service answered " + out.size() + " of " + texts.size() + " texts")
                    .asRuntimeException();
        }
        return out;
    }
}
