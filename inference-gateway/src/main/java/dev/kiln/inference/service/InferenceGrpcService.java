package dev.kiln.inference.service;

import com.google.protobuf.Timestamp;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.QueueFullException;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.model.DecoderModel;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.registry.BundleNotFoundException;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.inference.registry.ModelExistsException;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.proto.inference.v1.ExecutionProvider;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.ListModelsResponse;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import dev.kiln.proto.inference.v1.UnloadModelResponse;
import dev.kiln.proto.inference.v1.Usage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.file.Path;

/** gRPC adapter: validate, delegate to the core, map results and errors to proto and status codes. */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

    @Inject
    InferenceEngine engine;

    @Inject
    ModelLifecycle lifecycle;

    @Override
    public void generate(GenerateRequest req, StreamObserver<GenerateResponse> out) {
        ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) out;
        InferenceEngine.Started started;
        try {
            SamplingParams s = req.getSampling();
            SamplingSpec spec = new SamplingSpec(
                    s.hasTemperature() ? s.getTemperature() : null,
                    s.hasTopK() ? saturate(s.getTopK()) : null,
                    s.hasTopP() ? s.getTopP() : null,
                    s.hasMinP() ? s.getMinP() : null,
                    s.hasRepetitionPenalty() ? s.getRepetitionPenalty() : null,
                    s.hasSeed() ? s.getSeed() : null);
            int[] ids = req.getPromptTokenIdsList().stream()
                    .mapToInt(i -> i < 0 ? Integer.MAX_VALUE : i)
                    .toArray();
            InferenceEngine.Command cmd = new InferenceEngine.Command(
                    req.getModel(),
                    req.getPrompt(),
                    ids,
                    saturate(req.getMaxNewTokens()),
                    spec,
                    req.getStopList(),
                    req.getIgnoreEos());
            InferenceEngine.Prepared prepared = engine.prepare(cmd);
            Stream stream = new Stream(call);
            java.util.concurrent.atomic.AtomicReference<dev.kiln.inference.engine.GenerationHandle> handle =
                    new java.util.concurrent.atomic.AtomicReference<>();
            // Client cancellation and deadlines both cancel the call: the request leaves its slot at once.
            call.setOnCancelHandler(() -> {
                var h = handle.get();
                if (h != null) {
                    h.cancel();
                }
            });
            stream.first(prepared.promptTokens());
            started = engine.submit(prepared, stream);
            handle.set(started.handle());
            if (call.isCancelled()) {
                started.handle().cancel();
            }
        } catch (RuntimeException e) {
            if (!call.isCancelled()) {
                out.onError(toStatus(e));
            }
        }
    }

    /** Streams one request; the scheduler thread is the only caller of onTokens/onFinish. */
    private static final class Stream implements GenerationListener {
        private final ServerCallStreamObserver<GenerateResponse> call;
        private boolean sentFirst;
        private int promptTokens;

        Stream(ServerCallStreamObserver<GenerateResponse> call) {
            this.call = call;
        }

        /** The first message, before any token: usage.prompt_tokens. */
        synchronized void first(int prompt) {
            promptTokens = prompt;
            if (!sentFirst && !call.isCancelled()) {
                sentFirst = true;
                call.onNext(GenerateResponse.newBuilder()
                        .setUsage(Usage.newBuilder().setPromptTokens(prompt))
                        .build());
            }
        }

        @Override
        public synchronized void onTokens(String text, int[] tokens) {
            if (call.isCancelled()) {
                return;
            }
            GenerateResponse.Builder b = GenerateResponse.newBuilder().setText(text);
            for (int t : tokens) {
                b.addTokenIds(t);
            }
            call.onNext(b.build());
        }

        @Override
        public synchronized void onFinish(String text, int[] tokens, FinishReason reason, int prompt, int completion) {
            if (call.isCancelled()) {
                return;
            }
            GenerateResponse.Builder b = GenerateResponse.newBuilder()
                    .setText(text)
                    .setFinishReason(
                            switch (reason) {
                                case LENGTH -> dev.kiln.proto.inference.v1.FinishReason.FINISH_REASON_LENGTH;
                                case STOP -> dev.kiln.proto.inference.v1.FinishReason.FINISH_REASON_STOP;
                                case EOS -> dev.kiln.proto.inference.v1.FinishReason.FINISH_REASON_EOS;
                                case CANCELLED -> dev.kiln.proto.inference.v1.FinishReason.FINISH_REASON_CANCELLED;
                            })
                    .setUsage(Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(completion));
            for (int t : tokens) {
                b.addTokenIds(t);
            }
            call.onNext(b.build());
            call.onCompleted();
        }

        @Override
        public synchronized void onError(Throwable error) {
            if (!call.isCancelled()) {
                call.onError(Status.INTERNAL
                        .withDescription("generation failed: " + error.getMessage())
                        .asRuntimeException());
            }
        }
    }

    @Override
    public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        lifecycle.registry().list().forEach(m -> b.addModels(info(m)));
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    @Blocking
    public void loadModel(LoadModelRequest req, StreamObserver<ModelInfo> out) {
        try {
            if (req.getPath().isEmpty()) {
                throw new IllegalArgumentException("path is required");
            }
            DecoderModel.Provider p = switch (req.getExecutionProvider()) {
                case EXECUTION_PROVIDER_CPU -> DecoderModel.Provider.CPU;
                case EXECUTION_PROVIDER_CUDA -> DecoderModel.Provider.CUDA;
                default -> null;
            };
            LoadedModel m = lifecycle.load(req.getName(), Path.of(req.getPath()), req.getReplace(), p);
            out.onNext(info(m));
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
        }
    }

    @Override
    public void unloadModel(UnloadModelRequest req, StreamObserver<UnloadModelResponse> out) {
        try {
            lifecycle.unload(req.getName());
            out.onNext(UnloadModelResponse.getDefaultInstance());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
        }
    }

    static ModelInfo info(LoadedModel m) {
        var s = m.model().shape();
        return ModelInfo.newBuilder()
                .setName(m.name())
                .setPath(m.path().toString())
                .setModelType(m.config().modelType())
                .setVocabSize(m.vocab())
                .setContextLength(s.context())
                .setNLayer(s.layers())
                .setNKvHead(s.kvHeads())
                .setHeadDim(s.headDim())
                .setExecutionProvider(
                        m.model().provider() == DecoderModel.Provider.CUDA
                                ? ExecutionProvider.EXECUTION_PROVIDER_CUDA
                                : ExecutionProvider.EXECUTION_PROVIDER_CPU)
                .setSha256(m.sha256())
                .setLoadedAt(Timestamp.newBuilder()
                        .setSeconds(m.loadedAt().getEpochSecond())
                        .setNanos(m.loadedAt().getNano()))
                .build();
    }

    static int saturate(int unsigned) {
        return unsigned < 0 ? Integer.MAX_VALUE : unsigned;
    }

    static RuntimeException toStatus(RuntimeException e) {
        Status s;
        if (e instanceof UnknownModelException || e instanceof BundleNotFoundException) {
            s = Status.NOT_FOUND;
        } else if (e instanceof QueueFullException) {
            s = Status.RESOURCE_EXHAUSTED;
        } else if (e instanceof ModelExistsException) {
            s = Status.ALREADY_EXISTS;
        } else if (e instanceof InvalidBundleException) {
            s = Status.FAILED_PRECONDITION;
        } else if (e instanceof IllegalArgumentException) {
            s = Status.INVALID_ARGUMENT;
        } else if (e instanceof IllegalStateException) {
            s = Status.UNAVAILABLE;
        } else {
            s = Status.INTERNAL;
        }
        return s.withDescription(e.getMessage()).asRuntimeException();
    }
}
