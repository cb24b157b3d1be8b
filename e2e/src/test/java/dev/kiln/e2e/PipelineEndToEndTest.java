package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.PipelineStats;
import dev.kiln.proto.corpus.v1.StepStats;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.inference.v1.FinishReason;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerConfig;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse;
import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.KafkaShards;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.OptimizerConfig;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.proto.trainer.v1.WatchRunRequest;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;
import dev.kiln.testing.StreamRecorder;
import dev.kiln.testing.TestCertificates;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's story on a tiny budget, asserting at every hop: the four packaged services, each in
 * its own JVM, and a real Kafka broker. Europarl in through the corpus pipeline, a BPE trained on
 * the tokenizer service, shards on Kafka, a GPT trained on them, exported, announced, loaded by
 * the gateway, and generating over gRPC and the OpenAI HTTP API.
 *
 * <p>The stack runs as it would be exposed (the local demo runs plaintext; every service's own
 * tests cover that): every port serves TLS only, the tokenizer requires client certificates, and
 * API keys are on everywhere. So the corpus and trainer reach the tokenizer over mTLS with their
 * own key, and the test calls every service as an outside client with a key of both scopes.
 */
class PipelineEndToEndTest {

    private static final String ENCODING = "e2e-bpe";
    private static final String SHARDS = "kiln.e2e.shards";
    private static final int SHARD_TOKENS = 2048;

    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();
    private static ServiceProcess tokenizer;
    private static ServiceProcess corpus;
    private static ServiceProcess trainer;
    private static ServiceProcess gateway;
    private static Path root;
    /** What the test client sends: scopes admin and generate. */
    private static final String CLIENT_KEY = "e2e-client-key-0123456789";
    /** What the corpus and trainer send to the tokenizer: scope generate only. */
    private static final String SERVICE_KEY = "e2e-service-key-0123456789";

    private static final TestCertificates TLS = TestCertificates.shared();

    @BeforeAll
    static void startTheStack() throws Exception {
        root = Files.createTempDirectory("kiln-e2e");
        String kafka = KafkaBroker.shared().bootstrapServers();
        Path keys = Files.writeString(
                root.resolve("api-keys"), CLIENT_KEY + " admin,generate\n" + SERVICE_KEY + " generate\n");
        Map<String, String> secured = new HashMap<>(TLS.serverProperties());
        secured.put("kiln.auth.enabled", "true");
        secured.put("kiln.auth.api-keys-file", keys.toString());
        Map<String, String> tokenizerConfig = new HashMap<>(secured);
        tokenizerConfig.putAll(TLS.mutualServerProperties());
        tokenizerConfig.put(
                "kiln.tokenizer.encodings-dir", root.resolve("encodings").toString());
        tokenizer = start("tokenizer-service", tokenizerConfig, TLS.mutualSslContext());
        Map<String, String> client = new HashMap<>(secured);
        client.putAll(TLS.grpcClientProperties("tokenizer"));
        client.putAll(Map.of(
                "quarkus.grpc.clients.tokenizer.host",
                "localhost",
                "quarkus.grpc.clients.tokenizer.port",
                Integer.toString(tokenizer.port()),
                "kiln.auth.client-api-key",
                SERVICE_KEY));
        Map<String, String> corpusConfig = new HashMap<>(client);
        corpusConfig.putAll(Map.of(
                "kafka.bootstrap.servers",
                kafka,
                "kiln.corpus.data-dir",
                root.resolve("corpus").toString(),
                "kiln.corpus.input-roots",
                root.resolve("inputs").toString(),
                "kiln.corpus.encoding",
                ENCODING,
                "kiln.corpus.shard-tokens",
                Integer.toString(SHARD_TOKENS),
                "kiln.corpus.seal-after-idle",
                "1s",
                "kiln.corpus.topics.shards",
                SHARDS));
        corpus = start("corpus-service", corpusConfig, TLS.sslContext());
        Map<String, String> trainerConfig = new HashMap<>(client);
        trainerConfig.putAll(Map.of(
                "kafka.bootstrap.servers", kafka,
                "kiln.trainer.data-dir", root.resolve("trainer").toString(),
                "kiln.trainer.models-dir", root.resolve("models").toString()));
        trainer = start("trainer-service", trainerConfig, TLS.sslContext());
        Map<String, String> gatewayConfig = new HashMap<>(secured);
        gatewayConfig.putAll(Map.of(
                "kafka.bootstrap.servers",
                kafka,
                "kiln.inference.models-dir",
                root.resolve("models").toString()));
        gateway = start("inference-gateway", gatewayConfig, TLS.sslContext());
    }

    private static ServiceProcess start(String module, Map<String, String> properties, SSLContext tls) {
        ServiceProcess service = ServiceProcess.start(module, properties, tls);
        SERVICES.add(service);
        return service;
    }

    /** A TLS channel that presents the client certificate and sends the client's API key. */
    private static ManagedChannel channel(ServiceProcess service) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "localhost", service.port(), TLS.clientCredentials(true))
                .maxInboundMessageSize(64 << 20)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(bearer(CLIENT_KEY)))
                .build();
        CHANNELS.add(channel);
        return channel;
    }

    private static Metadata bearer(String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return headers;
    }

    @AfterAll
    static void stopTheStack() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
        SERVICES.forEach(ServiceProcess::stop);
    }

    @Test
    void documentsBecomeAModelThatGenerates() throws Exception {
        // 1. Inputs: Europarl documents as JSONL on the corpus server's file system.
        Path inputs = Files.createDirectories(root.resolve("inputs"));
        StringBuilder english = new StringBuilder();
        List<String> docs = new ArrayList<>();
        for (String body : Europarl.bodies().subList(0, 4000)) {
            String doc = Europarl.asDocument(body);
            if (doc.isEmpty()) {
                continue;
            }
            docs.add(doc);
            if (Europarl.referenceLanguage(doc).equals("en")) {
                english.append(doc).append('\n');
            }
        }
        Europarl.writeJsonl(inputs.resolve("europarl.jsonl"), docs, "e2e-");
        int documents = docs.size();

        // 2. Keys are on: the same call without one is refused before it reaches the service.
        ManagedChannel anonymous = Grpc.newChannelBuilderForAddress(
                        "localhost", tokenizer.port(), TLS.clientCredentials(true))
                .build();
        CHANNELS.add(anonymous);
        assertThatThrownBy(() -> TokenizerServiceGrpc.newBlockingStub(anonymous)
                        .listEncodings(ListEncodingsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

        // A BPE trained on the English part, through the tokenizer service.
        StreamRecorder<TrainTokenizerResponse> trained = new StreamRecorder<>();
        StreamObserver<TrainTokenizerRequest> training =
                TokenizerServiceGrpc.newStub(channel(tokenizer)).trainTokenizer(trained);
        training.onNext(TrainTokenizerRequest.newBuilder()
                .setConfig(TrainTokenizerConfig.newBuilder()
                        .setName(ENCODING)
                        .setVocabSize(1024)
                        .setPattern("gpt2")
                        .addSpecialTokens("<|endoftext|>"))
                .build());
        training.onNext(
                TrainTokenizerRequest.newBuilder().setText(english.toString()).build());
        training.onCompleted();
        TrainTokenizerResponse bpe = trained.awaitSingle(120, TimeUnit.SECONDS);
        assertThat(bpe.getMerges()).isEqualTo(1024 - 256 - 1);
        int eos = bpe.getEncoding().getEosTokenId();

        // 3. The corpus pipeline (its tokenizer calls go over mTLS with the service key): English kept, other languages
        // dropped at language ID, per step.
        CorpusServiceGrpc.CorpusServiceBlockingStub corpusStub =
                CorpusServiceGrpc.newBlockingStub(channel(corpus)).withDeadlineAfter(300, TimeUnit.SECONDS);
        Iterator<IngestProgress> progress = corpusStub.ingestJsonl(IngestJsonlRequest.newBuilder()
                .setPath(inputs.resolve("europarl.jsonl").toString())
                .build());
        IngestProgress last = null;
        while (progress.hasNext()) {
            last = progress.next();
        }
        assertThat(last.getDone()).isTrue();
        System.out.println("IngestJsonl: " + last.getSummary());
        assertThat(last.getSummary().getDocumentsReceived()).isEqualTo(documents);
        assertThat(last.getSummary().getDocumentsKept()).isGreaterThan(100);
        long droppedAtLanguage = last.getSummary().getDroppedByReasonMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("language/"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        assertThat(droppedAtLanguage).isGreaterThan(documents / 2);
        PipelineStats stats = corpusStub.getStats(GetStatsRequest.getDefaultInstance());
        for (StepStats step : stats.getStepsList()) {
            assertThat(step.getDocumentsIn())
                    .as(step.getStep())
                    .isEqualTo(step.getDocumentsKept() + step.getDocumentsDropped());
        }
        assertThat(stats.getSteps(stats.getStepsCount() - 1).getDocumentsKept())
                .isEqualTo(last.getSummary().getDocumentsKept());

        // 4. Shards on Kafka: every CRC checks, the counts add up, documents end in EOS.
        long tokens = last.getSummary().getTokens();
        List<TokenShard> shards = readShards(tokens);
        assertThat(shards.stream().mapToLong(TokenShard::getTokenCount).sum()).isEqualTo(tokens);
        long eosCount = 0;
        for (TokenShard shard : shards) {
            assertThat(shard.getEncoding()).isEqualTo(ENCODING);
            assertThat(shard.getTokenCount()).isBetween(1, SHARD_TOKENS);
            int[] ids = TokenShards.unpack(shard);
            for (int id : ids) {
                eosCount += id == eos ? 1 : 0;
            }
            // A shard ends at a document's end, unless its one document is longer than a shard.
            if (shard.getDocumentCount() > 0 && ids[ids.length - 1] != eos) {
                assertThat(shard.getDocumentCount()).isEqualTo(1);
                assertThat(shard.getDocumentStarts(0)).isZero();
            }
        }
        assertThat(eosCount).isEqualTo(last.getSummary().getDocumentsKept());

        // 5. Training on the shards: the loss falls.
        TrainerServiceGrpc.TrainerServiceBlockingStub trainerStub =
                TrainerServiceGrpc.newBlockingStub(channel(trainer)).withDeadlineAfter(600, TimeUnit.SECONDS);
        trainerStub.startRun(StartRunRequest.newBuilder()
                .setName("e2e")
                .setEncoding(ENCODING)
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(2)
                        .setNHead(2)
                        .setNEmbd(64)
                        .setContextLength(64))
                .setOptimizer(
                        OptimizerConfig.newBuilder().setLearningRate(5e-3f).setWarmupSteps(5))
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(8)
                        .setMaxSteps(60)
                        .setSeed(1)
                        .setThreads(2)
                        .setEvalInterval(20)
                        .setEvalBatches(2)
                        .setValidationFraction(0.2f)
                        .setSampleInterval(30)
                        .setSamplePrompt("Mr President,")
                        .setSampleTokens(16))
                .setData(DataSource.newBuilder()
                        .setKafka(KafkaShards.newBuilder().setTopic(SHARDS).setWaitSeconds(60)))
                .build());
        List<TrainingEvent> events = new ArrayList<>();
        trainerStub
                .watchRun(WatchRunRequest.newBuilder()
                        .setRunId("e2e")
                        .setReplay(true)
                        .build())
                .forEachRemaining(events::add);
        List<Float> losses = events.stream()
                .filter(TrainingEvent::hasMetrics)
                .map(e -> e.getMetrics().getLoss())
                .toList();
        assertThat(losses).hasSize(60);
        double lastTen = losses.subList(50, 60).stream()
                .mapToDouble(Float::doubleValue)
                .average()
                .orElseThrow();
        assertThat(lastTen).as("loss falls: %s", losses).isLessThan(losses.get(0) - 0.7);
        assertThat(events).filteredOn(TrainingEvent::hasSample).isNotEmpty();
        assertThat(events.get(events.size() - 1).getState().getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);

        // 6. Export, announce, and the gateway loads the bundle from the announcement.
        ModelArtifact artifact = trainerStub.exportModel(ExportModelRequest.newBuilder()
                .setRunId("e2e")
                .setModelName("e2e-gpt")
                .setPublish(true)
                .build());
        assertThat(Path.of(artifact.getPath()).resolve("model.onnx")).exists();
        InferenceServiceGrpc.InferenceServiceBlockingStub inference =
                InferenceServiceGrpc.newBlockingStub(channel(gateway));
        List<ModelInfo> models = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (models.isEmpty() && System.nanoTime() < deadline) {
            models = inference
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listModels(ListModelsRequest.getDefaultInstance())
                    .getModelsList()
                    .stream()
                    .filter(m -> m.getName().equals("e2e-gpt"))
                    .toList();
            Thread.sleep(250);
        }
        assertThat(models)
                .as("the gateway loaded the published model")
                .singleElement()
                .satisfies(m -> assertThat(m.getSha256()).isEqualTo(artifact.getSha256()));

        // 7. Generate streams tokens over gRPC ...
        Iterator<GenerateResponse> stream = inference
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(GenerateRequest.newBuilder()
                        .setModel("e2e-gpt")
                        .setPrompt("Mr President,")
                        .setMaxNewTokens(20)
                        .setSampling(
                                SamplingParams.newBuilder().setTemperature(0.8f).setSeed(5))
                        .build());
        List<GenerateResponse> responses = new ArrayList<>();
        stream.forEachRemaining(responses::add);
        int generated =
                responses.stream().mapToInt(GenerateResponse::getTokenIdsCount).sum();
        assertThat(generated).isBetween(1, 20);
        assertThat(responses.get(responses.size() - 1).getFinishReason())
                .isIn(FinishReason.FINISH_REASON_LENGTH, FinishReason.FINISH_REASON_EOS);
        String text = responses.stream().map(GenerateResponse::getText).reduce("", String::concat);
        System.out.println("Generated: Mr President," + text);

        // ... and the OpenAI-compatible endpoint answers.
        HttpResponse<String> completion = HttpClient.newBuilder()
                .sslContext(TLS.sslContext())
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/v1/completions"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + CLIENT_KEY)
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"model\":\"e2e-gpt\",\"prompt\":\"Mr President,\",\"max_tokens\":8,\"temperature\":0}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        assertThat(completion.body()).contains("\"choices\"", "\"text\"");
    }

    private static List<TokenShard> readShards(long tokens) throws Exception {
        Properties props = KafkaBroker.shared().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<TokenShard> shards = new ArrayList<>();
        long seen = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(SHARDS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen < tokens && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    TokenShard shard = TokenShard.parseFrom(record.value());
                    shards.add(shard);
                    seen += shard.getTokenCount();
                }
            }
        }
        return shards;
    }
}
