package dev.kiln.inference.service;

import com.google.protobuf.Timestamp;
import dev.kiln.inference.chat.ChatMessage;
import dev.kiln.inference.engine.FinishReason;
import dev.kiln.inference.engine.GenerationFailedException;
import dev.kiln.inference.engine.GenerationHandle;
import dev.kiln.inference.engine.GenerationListener;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.engine.MaxNewTokens;
import dev.kiln.inference.engine.SamplingSpec;
import dev.kiln.inference.limits.RateLimiter;
import dev.kiln.inference.model.DecoderModel;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.auth.ApiKeyInterceptor;
import dev.kiln.proto.grpc.GrpcReplies;
import dev.kiln.proto.inference.v1.ChatRequest;
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
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** gRPC adapter: validate, delegate to the core, map results to proto; failures through {@link InferenceStatusMapper}. */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {
    static final int MAX_PATH_CHARS = 4096;

    @Inject
    InferenceEngine engine;

    @Inject
    GatewayWiring wiring;

    @Inject
    InferenceStatusMapper errors;

    @Inject
    RateLimiter limits;

    @Override
    public void generate(GenerateRequest req, StreamObserver<GenerateResponse> out) {
        stream(out, () -> engine.prepare(command(req)));
    }

    @Override
    public void chat(ChatRequest req, StreamObserver<GenerateResponse> out) {
        stream(out, () -> engine.prepare(chatCommand(req)));
    }

    /** Generate and Chat alike: rate limit, validate (prepare), then stream from the scheduler. */
    private void stream(StreamObserver<GenerateResponse> out, Supplier<InferenceEngine.Prepared> prepare) {
        ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) out;
        try {
            String caller = ApiKeyInterceptor.caller().id();
            limits.admit(caller);
            InferenceEngine.Prepared prepared = prepare.get();
            Stream stream = new Stream(call, errors);
            AtomicReference<GenerationHandle> handle = new AtomicReference<>();
            // Client cancellation and deadlines both cancel the call: the request leaves its slot at once.
            call.setOnCancelHandler(() -> {
                GenerationHandle h = handle.get();
                if (h != null) {
                    h.cancel();
                }
            });
            stream.first(prepared.promptTokens());
            handle.set(engine.submit(prepared, limits.charging(caller, stream)).handle());
            if (call.isCancelled()) {
                handle.get().cancel();
            }
        } catch (RuntimeException e) {
            if (!call.isCancelled()) {
                GrpcReplies.fail(out, errors, e);
            }
        }
    }

    private static InferenceEngine.ChatCommand chatCommand(ChatRequest req) {
        ResourceNames.require("model", req.getModel());
        List<ChatMessage> messages = req.getMessagesList().stream()
                .map(m -> new ChatMessage(m.getRole(), m.getContent()))
                .toList();
        return new InferenceEngine.ChatCommand(
                req.getModel(),
                messages,
                MaxNewTokens.of(saturate(req.getMaxNewTokens())),
                sampling(req.getSampling()),
                req.getStopList(),
                req.getIgnoreEos());
    }

    private static InferenceEngine.Command command(GenerateRequest req) {
        ResourceNames.require("model", req.getModel());
        SamplingSpec spec = sampling(req.getSampling());
        int[] ids = req.getPromptTokenIdsList().stream()
                .mapToInt(i -> i < 0 ? Integer.MAX_VALUE : i)
                .toArray();
        return new InferenceEngine.Command(
                req.getModel(),
                req.getPrompt(),
                ids,
                saturate(req.getMaxNewTokens()),
                spec,
                req.getStopList(),
                req.getIgnoreEos());
    }

    /** Unset fields stay null: the model's generation_config.json fills them. */
    private static SamplingSpec sampling(SamplingParams s) {
        return new SamplingSpec(
                s.hasTemperature() ? s.getTemperature() : null,
                s.hasTopK() ? saturate(s.getTopK()) : null,
                s.hasTopP() ? s.getTopP() : null,
                s.hasMinP() ? s.getMinP() : null,
                s.hasRepetitionPenalty() ? s.getRepetitionPenalty() : null,
                s.hasSeed() ? s.getSeed() : null);
    }

    /** Streams one request; the scheduler thread is the only caller of onTokens/onFinish. */
    private static final class Stream implements GenerationListener {
        private final ServerCallStreamObserver<GenerateResponse> call;
        private final InferenceStatusMapper errors;
        private boolean sentFirst;

        Stream(ServerCallStreamObserver<GenerateResponse> call, InferenceStatusMapper errors) {
            this.call = call;
            this.errors = errors;
        }

        /** The first message, before any token: usage.prompt_tokens. */
        synchronized void first(int prompt) {
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
        public synchronized void onError(GenerationFailedException error) {
            if (!call.isCancelled()) {
                GrpcReplies.fail(call, errors, error);
            }
        }
    }

    @Override
    public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
        GrpcReplies.unary(out, errors, () -> {
            ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
            wiring.registry().list().forEach(m -> b.addModels(info(m)));
            return b.build();
        });
    }

    @Override
    @Blocking
    public void loadModel(LoadModelRequest req, StreamObserver<ModelInfo> out) {
        GrpcReplies.unary(out, errors, () -> {
            ResourceNames.require("name", req.getName());
            if (req.getPath().length() > MAX_PATH_CHARS) {
                // refused before it reaches the file system, or an error message quoting it
                throw new IllegalArgumentException("path is " + req.getPath().length() + " characters long; at most "
                        + MAX_PATH_CHARS + " (Linux's PATH_MAX)");
            }
            Path bundle = wiring.modelRoots().resolve("path", req.getPath());
            DecoderModel.Provider p = switch (req.getExecutionProvider()) {
                case EXECUTION_PROVIDER_CPU -> DecoderModel.Provider.CPU;
                case EXECUTION_PROVIDER_CUDA -> DecoderModel.Provider.CUDA;
                default -> null;
            };
            var cuda = CudaConfig.fromRequest(req, wiring.cudaOptions(req.getName()));
            return info(wiring.load(req.getName(), bundle, req.getReplace(), p, cuda));
        });
    }

    @Override
    public void unloadModel(UnloadModelRequest req, StreamObserver<UnloadModelResponse> out) {
        GrpcReplies.unary(out, errors, () -> {
            wiring.unload(ResourceNames.require("name", req.getName()));
            return UnloadModelResponse.getDefaultInstance();
        });
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
}
