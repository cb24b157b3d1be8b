package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.inference.testing.TestGraphs;
import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.proto.inference.v1.ExecutionProvider;
import dev.kiln.proto.inference.v1.FinishReason;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import dev.kiln.proto.trainer.v1.ModelPublished;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.KafkaTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The gRPC API over a real socket, against real bundles (trainer-core exports) and a real Kafka broker. */
@QuarkusTest
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class GenerateGrpcTest {

    @TestHTTPResource("/")
    URL base;

    static ManagedChannel channel;

    InferenceServiceGrpc.InferenceServiceBlockingStub blocking() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                    .usePlaintext()
                    .build();
        }
        return InferenceServiceGrpc.newBlockingStub(channel);
    }

    InferenceServiceGrpc.InferenceServiceStub async() {
        blocking();
        return InferenceServiceGrpc.newStub(channel);
    }

    @AfterAll
    static void close() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A whole stream: concatenated text and ids, the messages, the finish reason. */
    record Result(String text, List<Integer> ids, List<GenerateResponse> messages, FinishReason reason) {}

    static Result collect(Iterator<GenerateResponse> it) {
        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        List<GenerateResponse> msgs = new ArrayList<>();
        FinishReason reason = FinishReason.FINISH_REASON_UNSPECIFIED;
        while (it.hasNext()) {
            GenerateResponse r = it.next();
            msgs.add(r);
            text.append(r.getText());
            ids.addAll(r.getTokenIdsList());
            if (r.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                reason = r.getFinishReason();
            }
        }
        return new Result(text.toString(), ids, msgs, reason);
    }

    CompletableFuture<Result> start(GenerateRequest req) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        List<GenerateResponse> msgs = new ArrayList<>();
        async().generate(req, new StreamObserver<>() {
            @Override
            public void onNext(GenerateResponse r) {
                msgs.add(r);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                f.complete(collect(msgs.iterator()));
            }
        });
        return f;
    }

    static GenerateRequest request(int i) {
        SamplingParams.Builder s = SamplingParams.newBuilder();
        if (i % 2 == 0) {
            s.setTemperature(0f);
        } else {
            s.setTemperature(0.9f)
                    .setTopK(40)
                    .setTopP(0.95f)
                    .setMinP(0.02f)
                    .setRepetitionPenalty(1.1f)
                    .setSeed(500 + i);
        }
        String[] prompts = {
            "the",
            "and then",
            "It was the best of times, it was",
            "once upon a time there",
            "hello world",
            "to be or not to be, that is the"
        };
        return GenerateRequest.newBuilder()
                .setModel("tiny")
                .setPrompt(prompts[i % prompts.length] + " " + i)
                .setMaxNewTokens(8 + (i * 7) % 40)
                .setSampling(s)
                .setIgnoreEos(true)
                .build();
    }

    @Test
    void thirtyTwoConcurrentStreamsEachEqualTheirSoloRun() throws Exception {
        int n = 32;
        List<Result> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            solo.add(collect(blocking().generate(request(i))));
        }
        List<CompletableFuture<Result>> together = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            together.add(start(request(i)));
        }
        for (int i = 0; i < n; i++) {
            Result r = together.get(i).get(60, TimeUnit.SECONDS);
            assertThat(r.ids()).as("stream %d", i).isEqualTo(solo.get(i).ids());
            assertThat(r.text()).as("stream %d", i).isEqualTo(solo.get(i).text());
            assertThat(r.reason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
            assertThat(r.ids()).hasSize(request(i).getMaxNewTokens());
        }
    }

    @Test
    void firstMessageCarriesPromptUsageAndLastTheFinish() {
        Result r = collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("tiny")
                        .setPrompt("the cat")
                        .setMaxNewTokens(5)
                        .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                        .setIgnoreEos(true)
                        .build()));
        GenerateResponse first = r.messages().get(0),
                last = r.messages().get(r.messages().size() - 1);
        assertThat(first.getUsage().getPromptTokens()).isGreaterThan(0);
        assertThat(first.getTokenIdsCount()).isZero();
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(last.getUsage().getCompletionTokens()).isEqualTo(5);
        assertThat(r.ids()).hasSize(5);
    }

    @Test
    void exposesServingMetrics() throws Exception {
        collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("tiny")
                        .setPrompt("metrics")
                        .setMaxNewTokens(6)
                        .setIgnoreEos(true)
                        .build()));
        String m = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(base.toURI().resolve("/q/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(m)
                .contains(
                        "kiln_inference_time_to_first_token_seconds{model=\"tiny\",quantile=\"0.5\"}",
                        "kiln_inference_inter_token_latency_seconds_count{model=\"tiny\"}",
                        "kiln_inference_decode_step_seconds_count{model=\"tiny\"}",
                        "kiln_inference_batch_size_count{model=\"tiny\"}",
                        "kiln_inference_generated_tokens_total{model=\"tiny\"}",
                        "kiln_inference_requests_finished_total{model=\"tiny\",reason=\"length\"}",
                        "kiln_inference_queue_depth",
                        "kiln_inference_running",
                        "kiln_inference_models_loaded");
    }

    @Test
    void stopSequencesEndTheStreamAndAreNotEmitted() {
        GenerateRequest base = GenerateRequest.newBuilder()
                .setModel("tiny")
                .setPrompt("the cat sat")
                .setMaxNewTokens(60)
                .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                .setIgnoreEos(true)
                .build();
        Result full = collect(blocking().generate(base));
        // a stop string taken from the middle of the greedy output
        String text = full.text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        int at = text.indexOf(stop);
        Result stopped =
                collect(blocking().generate(base.toBuilder().addStop(stop).build()));
        assertThat(stopped.reason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(stopped.text()).isEqualTo(text.substring(0, at));
    }

    @Test
    void badInputsGetClearErrors() {
        GenerateRequest ok = GenerateRequest.newBuilder()
                .setModel("tiny")
                .setPrompt("hi")
                .setMaxNewTokens(4)
                .build();
        expect(ok.toBuilder().setModel("nope").build(), Status.Code.NOT_FOUND, "'nope' is not loaded", "tiny");
        expect(ok.toBuilder().setPrompt("").build(), Status.Code.INVALID_ARGUMENT, "prompt is empty");
        expect(ok.toBuilder().addPromptTokenIds(5).build(), Status.Code.INVALID_ARGUMENT, "not both");
        expect(ok.toBuilder().setMaxNewTokens(0).build(), Status.Code.INVALID_ARGUMENT, "max_new_tokens");
        expect(ok.toBuilder().setMaxNewTokens(200).build(), Status.Code.INVALID_ARGUMENT, "exceeds the context of 128");
        expect(ok.toBuilder().setMaxNewTokens(-1).build(), Status.Code.INVALID_ARGUMENT, "exceeds the context");
        expect(ok.toBuilder().setPrompt("word ".repeat(200)).build(), Status.Code.INVALID_ARGUMENT, "context of 128");
        expect(
                ok.toBuilder().clearPrompt().addPromptTokenIds(99999).build(),
                Status.Code.INVALID_ARGUMENT,
                "outside the vocabulary");
        expect(
                ok.toBuilder()
                        .setSampling(SamplingParams.newBuilder().setTemperature(3f))
                        .build(),
                Status.Code.INVALID_ARGUMENT,
                "temperature must be in [0, 2]");
        expect(
                ok.toBuilder()
                        .setSampling(SamplingParams.newBuilder().setTopP(0f))
                        .build(),
                Status.Code.INVALID_ARGUMENT,
                "top_p must be in (0, 1]");
        expect(
                ok.toBuilder()
                        .setSampling(SamplingParams.newBuilder().setMinP(1.5f))
                        .build(),
                Status.Code.INVALID_ARGUMENT,
                "min_p must be in [0, 1]");
        expect(
                ok.toBuilder()
                        .setSampling(SamplingParams.newBuilder().setRepetitionPenalty(0f))
                        .build(),
                Status.Code.INVALID_ARGUMENT,
                "repetition_penalty must be in (0, 10]");
        expect(ok.toBuilder().addStop("").build(), Status.Code.INVALID_ARGUMENT, "stop");
        expect(ok.toBuilder().setModel("").build(), Status.Code.INVALID_ARGUMENT, "model is required");
        expect(
                ok.toBuilder().setModel("m".repeat(100_000)).build(),
                Status.Code.INVALID_ARGUMENT,
                "model 'mmm",
                "not a valid name");
    }

    void expect(GenerateRequest r, Status.Code code, String... fragments) {
        assertThatThrownBy(() -> collect(blocking().generate(r)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode())
                            .as(e.getStatus().toString())
                            .isEqualTo(code);
                    for (String f : fragments) {
                        assertThat(e.getStatus().getDescription()).contains(f);
                    }
                });
    }

    /**
     * Exports whose logits hold the last position only (sliced before the LM head; transformers'
     * num_logits_to_keep), rewritten from spare's graph, stream spare's tokens — greedy and seeded
     * sampling, as concurrent streams; a logits output of a shape the gateway cannot read is
     * refused at LoadModel, naming it and its shape.
     */
    @Test
    void lastPositionLogitsGraphsStreamTheFullGraphsTokens() throws Exception {
        Path root = TestModelsResource.root();
        Path last = copyBundle(TestModelsResource.spare(), root.resolve("spare-last"));
        TestGraphs.lastPosition(last.resolve("model.onnx"), 1L);
        Path keep = copyBundle(TestModelsResource.spare(), root.resolve("spare-keep"));
        TestGraphs.logitsToKeep(keep.resolve("model.onnx"), "num_logits_to_keep", true);
        Path rank4 = copyBundle(TestModelsResource.spare(), root.resolve("spare-rank4"));
        TestGraphs.unusableLogits(rank4.resolve("model.onnx"));
        List<String> names = List.of("spare-full", "spare-last", "spare-keep");
        List<Path> dirs = List.of(TestModelsResource.spare(), last, keep);
        for (int m = 0; m < names.size(); m++) {
            blocking()
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName(names.get(m))
                            .setPath(dirs.get(m).toString())
                            .build());
        }
        try {
            int n = 10;
            List<Result> full = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                full.add(collect(blocking()
                        .generate(request(i).toBuilder().setModel("spare-full").build())));
            }
            for (String m : names.subList(1, names.size())) {
                List<CompletableFuture<Result>> together = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    together.add(start(request(i).toBuilder().setModel(m).build()));
                }
                for (int i = 0; i < n; i++) {
                    Result r = together.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(r.ids())
                            .as("%s, stream %d", m, i)
                            .isEqualTo(full.get(i).ids());
                    assertThat(r.reason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
                }
            }
            StatusRuntimeException e = (StatusRuntimeException) catchThrowable(() -> blocking()
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName("spare-rank4")
                            .setPath(rank4.toString())
                            .build()));
            assertThat(e).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription())
                    .contains("output 'logits'", "[batch_size, sequence_length, 1, " + TestBundles.vocab() + "]");
        } finally {
            for (String m : names) {
                blocking()
                        .unloadModel(UnloadModelRequest.newBuilder().setName(m).build());
            }
        }
    }

    static Path copyBundle(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void loadModelTakesCudaOptionsAndRunsOnCpuWithoutAGpu() {
        String spare = TestModelsResource.spare().toString();
        var cuda = dev.kiln.proto.inference.v1.CudaOptions.newBuilder()
                .setDeviceId(0)
                .setGpuMemLimitBytes(1L << 30)
                .setArenaExtendStrategy(
                        dev.kiln.proto.inference.v1.ArenaExtendStrategy.ARENA_EXTEND_STRATEGY_SAME_AS_REQUESTED);
        ModelInfo info = blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName("cuda-opts")
                        .setPath(spare)
                        .setExecutionProvider(ExecutionProvider.EXECUTION_PROVIDER_CUDA)
                        .setCuda(cuda)
                        .build());
        assertThat(info.getExecutionProvider()).isEqualTo(ExecutionProvider.EXECUTION_PROVIDER_CPU);
        blocking()
                .unloadModel(
                        UnloadModelRequest.newBuilder().setName("cuda-opts").build());
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("cuda-opts")
                                .setPath(spare)
                                .setCuda(cuda.clone().setGpuMemLimitBytes(4096))
                                .build()))
                .hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("cuda.gpu_mem_limit_bytes");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("cuda-opts")
                                .setPath(spare)
                                .setCuda(cuda.clone().setArenaExtendStrategyValue(9))
                                .build()))
                .hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("cuda.arena_extend_strategy");
    }

    @Test
    void loadsListsAndUnloadsModelsAtRunTime() {
        String spare = TestModelsResource.spare().toString();
        ModelInfo info = blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName("extra")
                        .setPath(spare)
                        .build());
        assertThat(info.getNLayer()).isEqualTo(2);
        assertThat(info.getContextLength()).isEqualTo(128);
        assertThat(info.getExecutionProvider()).isEqualTo(ExecutionProvider.EXECUTION_PROVIDER_CPU);
        assertThat(info.getSha256()).isEqualTo(ModelRegistry.sha256(Path.of(spare, "model.onnx")));
        assertThat(blocking().listModels(ListModelsRequest.getDefaultInstance()).getModelsList())
                .extracting(ModelInfo::getName)
                .contains("tiny", "slow", "extra");
        Result r = collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("extra")
                        .setPrompt("hi")
                        .setMaxNewTokens(3)
                        .setIgnoreEos(true)
                        .build()));
        assertThat(r.ids()).hasSize(3);

        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("extra")
                                .setPath(spare)
                                .build()))
                .hasMessageContaining("ALREADY_EXISTS");
        assertThat(blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("extra")
                                .setPath(spare)
                                .setReplace(true)
                                .build())
                        .getName())
                .isEqualTo("extra");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("x")
                                .setPath(TestModelsResource.root()
                                        .resolve("no/such/dir")
                                        .toString())
                                .build()))
                .hasMessageContaining("NOT_FOUND");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("x")
                                .setPath(TestModelsResource.root().toString())
                                .build()))
                .hasMessageContaining("FAILED_PRECONDITION")
                .hasMessageContaining("config.json");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("x")
                                .setPath("/no/such/dir")
                                .build()))
                .hasMessageContaining("PERMISSION_DENIED")
                .hasMessageContaining("kiln.inference.model-roots");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("../x")
                                .setPath(spare)
                                .build()))
                .as("a name cannot carry a path")
                .hasMessageContaining("INVALID_ARGUMENT");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("bad name!")
                                .setPath(spare)
                                .build()))
                .hasMessageContaining("INVALID_ARGUMENT");
        assertThatThrownBy(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("n".repeat(100_000))
                                .setPath(spare)
                                .build()))
                .hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("not a valid name");
        assertThatThrownBy(() -> blocking()
                        .unloadModel(UnloadModelRequest.newBuilder()
                                .setName("n".repeat(100_000))
                                .build()))
                .hasMessageContaining("INVALID_ARGUMENT");

        blocking().unloadModel(UnloadModelRequest.newBuilder().setName("extra").build());
        assertThatThrownBy(() -> collect(blocking()
                        .generate(GenerateRequest.newBuilder()
                                .setModel("extra")
                                .setPrompt("hi")
                                .setMaxNewTokens(3)
                                .build())))
                .hasMessageContaining("NOT_FOUND");
        assertThatThrownBy(() -> blocking()
                        .unloadModel(
                                UnloadModelRequest.newBuilder().setName("extra").build()))
                .hasMessageContaining("NOT_FOUND");
    }

    /** Paths that are not bundles get a status that says so, never INTERNAL, and never hang the call. */
    @Test
    void loadModelGivesSpecialPathsADeliberateStatus() throws Exception {
        Path root = TestModelsResource.root();
        Path file = root.resolve("spare/model.onnx");
        Path fifo = root.resolve("a-fifo");
        Path fifoConfig = Files.createDirectories(root.resolve("fifo-config"));
        for (Path p : List.of(fifo, fifoConfig.resolve("config.json"))) {
            Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            assertThat(mk.waitFor()).isZero();
        }
        Path dirConfig =
                Files.createDirectories(root.resolve("dir-config/config.json")).getParent();
        Object[][] cases = {
            {file.toString(), Status.Code.FAILED_PRECONDITION, "is not a directory"},
            {fifo.toString(), Status.Code.FAILED_PRECONDITION, "is not a directory"},
            {fifoConfig.toString(), Status.Code.FAILED_PRECONDITION, "config.json is not a regular file"},
            {dirConfig.toString(), Status.Code.FAILED_PRECONDITION, "config.json is not a regular file"},
            {"p".repeat(100_000), Status.Code.INVALID_ARGUMENT, "path"},
            {root.resolve("x".repeat(300)).toString(), Status.Code.NOT_FOUND, "does not exist"},
        };
        for (Object[] c : cases) {
            StatusRuntimeException e = (StatusRuntimeException) catchThrowable(() -> blocking()
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName("special")
                            .setPath((String) c[0])
                            .build()));
            assertThat(e).as("path %.80s", c[0]).isNotNull();
            assertThat(e.getStatus().getCode()).as("path %.80s", c[0]).isEqualTo(c[1]);
            assertThat(e.getStatus().getDescription()).as("path %.80s", c[0]).contains((String) c[2]);
        }
    }

    @Test
    void loadingABundleThroughALinkOutOfTheRootsIsDenied() throws Exception {
        Path escape = TestModelsResource.escape();
        StatusRuntimeException denied = (StatusRuntimeException) catchThrowable(() -> blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName("escaped")
                        .setPath(escape.toString())
                        .build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription())
                .contains("path", escape.toRealPath().toString(), "kiln.inference.model-roots");
        assertThat(catchThrowable(() -> blocking()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("escaped")
                                .setPath("escape")
                                .build())))
                .as("a relative path resolves against the first root and the link is followed")
                .hasMessageContaining("PERMISSION_DENIED");
        assertThat(blocking().listModels(ListModelsRequest.getDefaultInstance()).getModelsList())
                .extracting(ModelInfo::getName)
                .doesNotContain("escaped");

        ModelInfo relative = blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName("relative")
                        .setPath("spare")
                        .build());
        assertThat(relative.getName()).isEqualTo("relative");
        blocking()
                .unloadModel(UnloadModelRequest.newBuilder().setName("relative").build());
    }

    @Test
    void cudaRequestedFallsBackToCpuAndSaysSo() {
        ModelInfo info = blocking()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName("on-gpu")
                        .setPath(TestModelsResource.spare().toString())
                        .setExecutionProvider(ExecutionProvider.EXECUTION_PROVIDER_CUDA)
                        .build());
        assertThat(info.getExecutionProvider()).isEqualTo(ExecutionProvider.EXECUTION_PROVIDER_CPU);
        Result r = collect(blocking()
                .generate(GenerateRequest.newBuilder()
                        .setModel("on-gpu")
                        .setPrompt("hi")
                        .setMaxNewTokens(2)
                        .setIgnoreEos(true)
                        .build()));
        assertThat(r.ids()).hasSize(2);
        blocking().unloadModel(UnloadModelRequest.newBuilder().setName("on-gpu").build());
    }

    @Test
    void followsModelPublishedEventsAndChecksTheirHash() throws Exception {
        Path spare = TestModelsResource.spare();
        String sha = ModelRegistry.sha256(spare.resolve("model.onnx"));
        KafkaBroker.shared().createTopic("kiln.models", 2);
        Properties p = KafkaBroker.shared().clientProperties();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            "kiln.models",
                            "published-bad",
                            ModelPublished.newBuilder()
                                    .setName("published-bad")
                                    .setBundlePath(spare.toString())
                                    .setSha256("00" + sha.substring(2))
                                    .build()
                                    .toByteArray()))
                    .get();
            // Same record key as the good event, so the same partition: it is applied (and ignored) first.
            Path escape = TestModelsResource.escape();
            producer.send(new ProducerRecord<>(
                            "kiln.models",
                            "published",
                            ModelPublished.newBuilder()
                                    .setName("published-outside")
                                    .setBundlePath(escape.toString())
                                    .setSha256(ModelRegistry.sha256(escape.resolve("model.onnx")))
                                    .build()
                                    .toByteArray()))
                    .get();
            producer.send(new ProducerRecord<>(
                            "kiln.models",
                            "published",
                            ModelPublished.newBuilder()
                                    .setName("published")
                                    .setBundlePath(spare.toString())
                                    .setSha256(sha)
                                    .setRunId("run-1")
                                    .setStep(100)
                                    .build()
                                    .toByteArray()))
                    .get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> names = List.of();
        while (System.nanoTime() < deadline) {
            names = blocking().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                    .map(ModelInfo::getName)
                    .toList();
            if (names.contains("published")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(names).contains("published").doesNotContain("published-bad", "published-outside");
        blocking()
                .unloadModel(
                        UnloadModelRequest.newBuilder().setName("published").build());
        assertThat(Files.exists(spare)).isTrue();
    }
}
