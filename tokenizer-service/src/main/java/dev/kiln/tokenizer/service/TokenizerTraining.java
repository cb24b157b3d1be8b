package dev.kiln.tokenizer.service;

import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.grpc.GrpcReplies;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerConfig;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse;
import dev.kiln.tokenizer.catalog.EncodingCatalog;
import dev.kiln.tokenizer.catalog.EncodingStore;
import dev.kiln.tokenizer.catalog.TrainingSession;
import io.grpc.stub.StreamObserver;

/**
 * One TrainTokenizer call: the first message starts a {@link TrainingSession}, text chunks feed
 * it, the end of the stream finishes it. The first failure ends the call; later messages are
 * ignored. A cancelled call stops the trainer's threads.
 */
final class TokenizerTraining implements StreamObserver<TrainTokenizerRequest> {

    private final StreamObserver<TrainTokenizerResponse> response;
    private final EncodingCatalog catalog;
    private final EncodingStore store;
    private final long maxBytes;
    private TrainingSession session;
    private boolean finished;

    TokenizerTraining(
            StreamObserver<TrainTokenizerResponse> response,
            EncodingCatalog catalog,
            EncodingStore store,
            long maxBytes) {
        this.response = response;
        this.catalog = catalog;
        this.store = store;
        this.maxBytes = maxBytes;
    }

    @Override
    public void onNext(TrainTokenizerRequest request) {
        if (finished) {
            return;
        }
        try {
            if (request.hasConfig()) {
                if (session != null) {
                    throw new IllegalArgumentException("only the first message may carry a config");
                }
                session = TrainingSession.start(
                        toRequest(request.getConfig()),
                        catalog,
                        store,
                        maxBytes,
                        Runtime.getRuntime().availableProcessors());
            } else {
                if (session == null) {
                    throw new IllegalArgumentException(
                            "the first message must carry the config (name, vocab_size ...), not text");
                }
                session.accept(request.getText());
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private static TrainingSession.Request toRequest(TrainTokenizerConfig config) {
        return new TrainingSession.Request(
                ResourceNames.require("config.name", config.getName()),
                config.getPattern(),
                config.getVocabSize(),
                config.getSpecialTokensList(),
                config.getMinFrequency(),
                config.getOverwrite());
    }

    @Override
    public void onError(Throwable t) {
        finished = true;
        if (session != null) {
            session.close();
        }
    }

    @Override
    public void onCompleted() {
        if (finished) {
            return;
        }
        finished = true;
        GrpcReplies.unary(response, TokenizerStatusMapper.INSTANCE, () -> {
            if (session == null) {
                throw new IllegalArgumentException(
                        "the stream carried no config: send TrainTokenizerConfig first, then text");
            }
            TrainingSession.Result result = session.finish();
            return TrainTokenizerResponse.newBuilder()
                    .setEncoding(ProtoMapping.info(result.encoding(), EncodingCatalog.Source.TRAINED))
                    .setBytesSeen(result.bytesSeen())
                    .setMerges(result.merges())
                    .setSeconds(result.seconds())
                    .build();
        });
    }

    private void fail(RuntimeException e) {
        finished = true;
        if (session != null) {
            session.close();
        }
        GrpcReplies.fail(response, TokenizerStatusMapper.INSTANCE, e);
    }
}
