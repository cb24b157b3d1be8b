package dev.kiln.trainer.service;

import static dev.kiln.testing.GrpcFailures.codeOf;
import static dev.kiln.testing.GrpcFailures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.KafkaShards;
import dev.kiln.proto.trainer.v1.ListRunsRequest;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.ModelPublished;
import dev.kiln.proto.trainer.v1.OptimizerConfig;
import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.proto.trainer.v1.WatchRunRequest;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.tokenizer.EncodingRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trainer's RPCs over a real socket, training on shards from a real Kafka broker. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class TrainerGrpcServiceTest {

    private static final String TOPIC = "kiln.test.trainer.service";
    /** Runs persist across test JVMs in target/; a fresh name keeps reruns independent. */
    private static final String RUN = "svc-run-" + Long.toString(System.currentTimeMillis(), 36);

    @TestHTTPResource("/")
    URL base;

    private ManagedChannel channel;
    private TrainerServiceGrpc.TrainerServiceBlockingStub trainer;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        trainer = TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** English text encoded with r50k, so samples decode to real words. */
    private static void produceShards(String topic) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(topic, 1);
        var encoding = EncodingRegistry.getDefault().get("r50k_base");
        String text = "The cat sat on the mat. The dog sat on the log. A bird sang in the tree. ";
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(broker.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < 8; s++) {
                int[] ids = encoding.encode(text.repeat(6));
                ByteString packed = TokenShards.pack(ids, ids.length, TokenWidth.TOKEN_WIDTH_UINT16);
                TokenShard shard = TokenShard.newBuilder()
                        .setShardId("svc-" + s)
                        .setEncoding("r50k_base")
                        .setVocabSize(50257)
                        .setTokenCount(ids.length)
                        .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                        .setTokens(packed)
                        .setCrc32C(TokenShards.crc32c(packed))
                        .setEosTokenId(50256)
                        .build();
                producer.send(new ProducerRecord<>(topic, shard.getShardId(), shard.toByteArray()))
                        .get();
            }
        }
    }

    private static StartRunRequest.Builder tinyRun(String name) {
        return StartRunRequest.newBuilder()
                .setName(name)
                .setEncoding("r50k_base")
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(1)
                        .setNHead(2)
                        .setNEmbd(32)
                        .setContextLength(32))
                .setOptimizer(
                        OptimizerConfig.newBuilder().setLearningRate(1e-2f).setWarmupSteps(2))
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(4)
                        .setMaxSteps(24)
                        .setSeed(7)
                        .setThreads(2)
                        .setEvalInterval(8)
                        .setEvalBatches(2)
                        .setValidationFraction(0.25f)
                        .setSampleInterval(12)
                        .setSamplePrompt("The cat")
                        .setSampleTokens(8)
                        .setCheckpointInterval(8))
                .setData(DataSource.newBuilder()
                        .setKafka(KafkaShards.newBuilder().setTopic(TOPIC).setWaitSeconds(30)));
    }

    @Test
    void trainsWatchesExportsAndPublishes() throws Exception {
        produceShards(TOPIC);
        Run started = trainer.startRun(tinyRun(RUN).build());
        assertThat(started.getId()).isEqualTo(RUN);
        assertThat(started.getParameters()).isGreaterThan(50257L * 32);

        List<TrainingEvent> events = new ArrayList<>();
        Iterator<TrainingEvent> stream = TrainerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .watchRun(WatchRunRequest.newBuilder()
                        .setRunId(RUN)
                        .setReplay(true)
                        .build());
        stream.forEachRemaining(events::add);

        List<Float> losses = events.stream()
                .filter(TrainingEvent::hasMetrics)
                .map(e -> e.getMetrics().getLoss())
                .toList();
        assertThat(losses).hasSize(24);
        assertThat(losses.get(23)).as("loss falls by over 2 nats").isLessThan(losses.get(0) - 2f);
        assertThat(events).filteredOn(TrainingEvent::hasEvaluation).isNotEmpty();
        assertThat(events)
                .filteredOn(TrainingEvent::hasSample)
                .first()
                .satisfies(e -> assertThat(e.getSample().getText()).isNotEmpty());
        assertThat(events).filteredOn(TrainingEvent::hasCheckpoint).hasSize(3);
        assertThat(events.get(events.size() - 1).getState().getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);

        Run done = trainer.getRun(GetRunRequest.newBuilder().setRunId(RUN).build());
        assertThat(done.getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);
        assertThat(done.getStep()).isEqualTo(24);
        assertThat(done.getCheckpointStep()).isEqualTo(24);
        assertThat(done.getValLoss()).isLessThan(losses.get(0));
        assertThat(trainer.listRuns(ListRunsRequest.getDefaultInstance()).getRunsList())
                .extracting(Run::getId)
                .contains(RUN);

        ModelArtifact artifact = trainer.exportModel(ExportModelRequest.newBuilder()
                .setRunId(RUN)
                .setModelName("tiny-cat")
                .setPublish(true)
                .build());
        Path bundle = Path.of(artifact.getPath());
        assertThat(bundle.resolve("model.onnx")).exists();
        assertThat(bundle.resolve("config.json")).exists();
        assertThat(bundle.resolve("r50k_base.tiktoken")).exists();
        assertThat(dev.kiln.tokenizer.HuggingFaceTokenizerJson.read(bundle.resolve("tokenizer.json"), "bundle")
                        .encode("The cat sat"))
                .containsExactly(EncodingRegistry.getDefault().get("r50k_base").encode("The cat sat"));
        assertThat(Files.readString(bundle.resolve("tokenizer_config.json"))).contains("\"pattern\"");
        assertThat(artifact.getSha256()).isEqualTo(ModelExporter.sha256(bundle.resolve("model.onnx")));
        assertThat(artifact.getPublished()).isTrue();

        Properties props = KafkaBroker.shared().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "trainer-test-models");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ModelPublished published = null;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("kiln.models"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (published == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().equals("tiny-cat")) {
                        published = ModelPublished.parseFrom(record.value());
                    }
                }
            }
        }
        assertThat(published).isNotNull();
        assertThat(published.getSha256()).isEqualTo(artifact.getSha256());
        assertThat(published.getBundlePath()).isEqualTo(artifact.getPath());

        // A relative output_dir lands under the first models root; one that leaves it does not.
        ModelArtifact copy = trainer.exportModel(ExportModelRequest.newBuilder()
                .setRunId(RUN)
                .setModelName("tiny-cat-copy")
                .setOutputDir("copies/" + RUN)
                .build());
        assertThat(Path.of(copy.getPath()))
                .isEqualTo(MODELS.toRealPath().resolve("copies/" + RUN))
                .satisfies(dir -> assertThat(dir.resolve("model.onnx")).exists());
        assertThat(codeOf(() -> trainer.exportModel(ExportModelRequest.newBuilder()
                        .setRunId(RUN)
                        .setOutputDir("../escaped-" + RUN)
                        .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> trainer.exportModel(ExportModelRequest.newBuilder()
                        .setRunId(RUN)
                        .setModelName("../x")
                        .build())))
                .as("a model name cannot carry a path")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertThat(codeOf(() -> trainer.resumeRun(
                        ResumeRunRequest.newBuilder().setRunId(RUN).build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(codeOf(() -> trainer.stopRun(
                        StopRunRequest.newBuilder().setRunId(RUN).build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(codeOf(() -> trainer.startRun(tinyRun(RUN).build()))).isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    /** The test profile's roots: kiln.trainer.models-dir and data-dir (application.properties). */
    private static final Path MODELS = Path.of("target/test-data/models").toAbsolutePath();

    private static final Path DATA = Path.of("target/test-data/trainer").toAbsolutePath();

    /** {@code dir/name}, a symbolic link to a fresh directory outside every root. */
    private static Path linkOutOf(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path link = dir.resolve(name);
        Files.deleteIfExists(link);
        return Files.createSymbolicLink(link, Files.createTempDirectory("kiln-trainer-outside"));
    }

    @Test
    void exportsOutsideTheModelsRootsAreDenied() throws Exception {
        Path link = linkOutOf(MODELS, "escape-" + RUN);
        StatusRuntimeException denied = failureOf(() -> trainer.exportModel(ExportModelRequest.newBuilder()
                .setRunId("nope")
                .setOutputDir(link.resolve("new-bundle").toString())
                .build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription())
                .contains(
                        "output_dir",
                        Files.readSymbolicLink(link)
                                .toRealPath()
                                .resolve("new-bundle")
                                .toString(),
                        "kiln.trainer.models-roots");
        assertThat(Files.readSymbolicLink(link).resolve("new-bundle")).doesNotExist();
        assertThat(codeOf(() -> trainer.exportModel(ExportModelRequest.newBuilder()
                        .setRunId("nope")
                        .setOutputDir("/tmp/elsewhere")
                        .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void shardDirectoriesOutsideTheDataRootsAreDeniedAndInsideOnesTrain() throws Exception {
        Path link = linkOutOf(DATA, "escape-shards-" + RUN);
        StatusRuntimeException denied = failureOf(() -> trainer.startRun(tinyRun("shards-" + RUN)
                .setData(DataSource.newBuilder().setShardDirectory(link.toString()))
                .build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("data.shard_directory", "kiln.trainer.data-roots");
        assertThat(codeOf(() -> trainer.startRun(tinyRun("shards-" + RUN)
                        .setData(DataSource.newBuilder().setShardDirectory("/etc"))
                        .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        Path shards = Files.createDirectories(DATA.resolve("shards-" + RUN));
        int[] tokens = EncodingRegistry.getDefault()
                .get("r50k_base")
                .encode("The cat sat on the mat. The dog sat on the log. ".repeat(20));
        dev.kiln.trainer.LlmcShardWriter.write(shards.resolve("train_000.bin"), tokens);
        dev.kiln.trainer.LlmcShardWriter.write(shards.resolve("val_000.bin"), tokens);
        Run started = trainer.startRun(tinyRun("shards-" + RUN)
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(2)
                        .setMaxSteps(2)
                        .setSeed(1)
                        .setThreads(1)
                        .setCheckpointInterval(2))
                .setData(DataSource.newBuilder().setShardDirectory("shards-" + RUN))
                .build());
        TrainerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchRun(WatchRunRequest.newBuilder()
                        .setRunId(started.getId())
                        .setReplay(true)
                        .build())
                .forEachRemaining(event -> {});
        Run done = trainer.getRun(
                GetRunRequest.newBuilder().setRunId(started.getId()).build());
        assertThat(done.getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);
        assertThat(done.getConfig().getData().getShardDirectory())
                .as("a relative shard_directory resolves against the first data root")
                .isEqualTo(shards.toRealPath().toString());
    }

    @Test
    void trainsSamplesAndExportsALlamaRun() throws Exception {
        Path shards = Files.createDirectories(DATA.resolve("llama-shards-" + RUN));
        int[] tokens = EncodingRegistry.getDefault()
                .get("r50k_base")
                .encode("The cat sat on the mat. The dog sat on the log. ".repeat(20));
        dev.kiln.trainer.LlmcShardWriter.write(shards.resolve("train_000.bin"), tokens);
        dev.kiln.trainer.LlmcShardWriter.write(shards.resolve("val_000.bin"), tokens);
        Run started = trainer.startRun(tinyRun("llama-" + RUN)
                .setModel(ModelConfig.newBuilder()
                        .setArchitecture("llama")
                        .setNLayer(1)
                        .setNHead(4)
                        .setNKvHead(2)
                        .setNEmbd(32)
                        .setIntermediateSize(64)
                        .setRopeTheta(10_000f)
                        .setTieWordEmbeddings(false)
                        .setContextLength(32))
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(2)
                        .setMaxSteps(4)
                        .setSeed(1)
                        .setThreads(1)
                        .setSampleInterval(4)
                        .setSamplePrompt("The cat")
                        .setSampleTokens(4)
                        .setCheckpointInterval(4))
                .setData(DataSource.newBuilder().setShardDirectory("llama-shards-" + RUN))
                .build());
        assertThat(started.getParameters()).as("untied: embedding and head").isGreaterThan(2L * 50257 * 32);
        List<TrainingEvent> events = new ArrayList<>();
        TrainerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchRun(WatchRunRequest.newBuilder()
                        .setRunId(started.getId())
                        .setReplay(true)
                        .build())
                .forEachRemaining(events::add);
        assertThat(events.get(events.size() - 1).getState().getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);
        assertThat(events)
                .filteredOn(TrainingEvent::hasSample)
                .first()
                .satisfies(e -> assertThat(e.getSample().getText()).isNotEmpty());

        ModelArtifact artifact = trainer.exportModel(ExportModelRequest.newBuilder()
                .setRunId(started.getId())
                .setModelName("tiny-llama")
                .setDtype("float16")
                .build());
        Path bundle = Path.of(artifact.getPath());
        String config = Files.readString(bundle.resolve("config.json"));
        assertThat(config)
                .contains("\"model_type\": \"llama\"", "\"num_key_value_heads\": 2", "\"torch_dtype\": \"float16\"");

        ModelArtifact merged = trainer.exportModel(ExportModelRequest.newBuilder()
                .setRunId(started.getId())
                .setModelName("tiny-llama-merged")
                .setDtype("float16")
                .setMergedDecoder(true)
                .build());
        Path mergedFile = Path.of(merged.getPath()).resolve("decoder_model_merged.onnx");
        assertThat(Path.of(merged.getPath()).resolve("model.onnx")).doesNotExist();
        assertThat(merged.getSha256()).isEqualTo(ModelExporter.sha256(mergedFile));
        assertThat(merged.getSizeBytes()).isEqualTo(Files.size(mergedFile));
        assertThat(codeOf(() -> trainer.exportModel(ExportModelRequest.newBuilder()
                        .setRunId(started.getId())
                        .setDtype("bfloat16")
                        .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void rejectsBadLlamaShapesNamingTheField() {
        ModelConfig.Builder llama = ModelConfig.newBuilder()
                .setArchitecture("llama")
                .setNLayer(1)
                .setNHead(4)
                .setNEmbd(32)
                .setContextLength(32);
        StatusRuntimeException kv = failureOf(() -> trainer.startRun(
                tinyRun("bad-kv").setModel(llama.clone().setNKvHead(3)).build()));
        assertThat(kv.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(kv.getStatus().getDescription()).contains("model.n_kv_head 3", "model.n_head 4");
        StatusRuntimeException odd = failureOf(() -> trainer.startRun(tinyRun("bad-odd")
                .setModel(llama.clone().setNHead(8).setNEmbd(40))
                .build()));
        assertThat(odd.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(odd.getStatus().getDescription()).contains("model.n_embd / model.n_head = 5", "even");
        StatusRuntimeException theta = failureOf(() -> trainer.startRun(
                tinyRun("bad-theta").setModel(llama.clone().setRopeTheta(0.5f)).build()));
        assertThat(theta.getStatus().getDescription()).contains("model.rope_theta");
        StatusRuntimeException arch = failureOf(() -> trainer.startRun(tinyRun("bad-arch")
                .setModel(llama.clone().setArchitecture("mamba"))
                .build()));
        assertThat(arch.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(arch.getStatus().getDescription()).contains("model.architecture", "mamba");
        StatusRuntimeException mixed = failureOf(() -> trainer.startRun(tinyRun("bad-mixed")
                .setModel(llama.clone().setArchitecture("").setNKvHead(2))
                .build()));
        assertThat(mixed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(mixed.getStatus().getDescription()).contains("model.n_kv_head", "llama");
    }

    @Test
    void rejectsBadRunsWithActionableErrors() {
        StatusRuntimeException indivisible = failureOf(() -> trainer.startRun(tinyRun("bad-1")
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(1)
                        .setNHead(3)
                        .setNEmbd(32)
                        .setContextLength(32))
                .build()));
        assertThat(indivisible.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(indivisible.getStatus().getDescription()).contains("n_embd 32", "n_head 3");

        assertThat(codeOf(() -> trainer.startRun(tinyRun("bad name!").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> trainer.startRun(tinyRun("../x").build())))
                .as("a name cannot carry a path")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> trainer.getRun(
                        GetRunRequest.newBuilder().setRunId("../x").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> trainer.startRun(tinyRun("bad-2")
                        .setTraining(TrainingConfig.newBuilder().setBatchSize(0).setMaxSteps(1))
                        .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        StatusRuntimeException huge = failureOf(() -> trainer.startRun(tinyRun("bad-3")
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(96)
                        .setNHead(64)
                        .setNEmbd(8192)
                        .setContextLength(8192))
                .build()));
        assertThat(huge.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(huge.getStatus().getDescription()).contains("MB");

        StatusRuntimeException noTokenizer = failureOf(() ->
                trainer.startRun(tinyRun("bad-4").setEncoding("my-trained-bpe").build()));
        assertThat(noTokenizer.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(noTokenizer.getStatus().getDescription()).contains("my-trained-bpe", "tokenizer service");

        assertThat(codeOf(() -> trainer.getRun(
                        GetRunRequest.newBuilder().setRunId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> trainer.getRun(GetRunRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> trainer.exportModel(
                        ExportModelRequest.newBuilder().setRunId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> TrainerServiceGrpc.newBlockingStub(channel)
                        .watchRun(WatchRunRequest.newBuilder().setRunId("nope").build())
                        .hasNext()))
                .isEqualTo(Status.Code.NOT_FOUND);
    }
}
