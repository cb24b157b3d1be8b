package dev.kiln.corpus.service;

import static dev.kiln.testing.GrpcFailures.codeOf;
import static dev.kiln.testing.GrpcFailures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import dev.kiln.proto.corpus.v1.IngestWarcRequest;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.corpus.v1.PipelineStats;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.tokenizer.v1.DetokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.testing.ServiceProcess;
import dev.kiln.testing.StreamRecorder;
import dev.kiln.testing.TokenizerServiceResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

/**
 * The corpus service over real sockets, with a real broker and the real tokenizer service: documents
 * in through gRPC, files and Kafka; shards out on Kafka whose decoded text is the kept documents'.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(TokenizerServiceResource.class)
@QuarkusTestResource(CorpusTestData.class)
class CorpusGrpcServiceTest {

    private static final String SHARDS = "kiln.test.corpus.shards";
    private static final int EOS = 50256;

    @TestHTTPResource("/")
    URL base;

    @Inject
    DocumentConsumer consumer;

    private ManagedChannel channel;
    private CorpusServiceGrpc.CorpusServiceBlockingStub corpus;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        corpus = CorpusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Document text(String id, String text) {
        return Document.newBuilder()
                .setId(id)
                .setUrl("https://example.org/" + id)
                .setContent(ByteString.copyFromUtf8(text))
                .setContentType("text/plain; charset=utf-8")
                .build();
    }

    /** English Europarl documents that the whole pipeline keeps, skipping the first {@code skip}. */
    private List<String> keptEnglish(int count, int skip) {
        List<String> out = new ArrayList<>();
        int seen = 0;
        for (String body : Europarl.bodies()) {
            String doc = Europarl.asDocument(body);
            if (!Europarl.referenceLanguage(doc).equals("en")) {
                continue;
            }
            if (!corpus.inspectDocument(text("probe", doc)).getKept()) {
                continue;
            }
            if (seen++ < skip) {
                continue;
            }
            out.add(doc);
            if (out.size() == count) {
                return out;
            }
        }
        throw new AssertionError("not enough English documents");
    }

    private static List<String> decodeDocuments(int[] tokens) {
        ServiceProcess tokenizer = ServiceProcess.shared("tokenizer-service", java.util.Map.of());
        ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", tokenizer.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        try {
            TokenizerServiceGrpc.TokenizerServiceBlockingStub stub = TokenizerServiceGrpc.newBlockingStub(ch);
            List<String> docs = new ArrayList<>();
            List<Integer> current = new ArrayList<>();
            for (int id : tokens) {
                if (id == EOS) {
                    docs.add(stub.detokenize(DetokenizeRequest.newBuilder()
                                    .setEncoding("r50k_base")
                                    .addAllIds(current)
                                    .build())
                            .getText());
                    current.clear();
                } else {
                    current.add(id);
                }
            }
            assertThat(current).as("the stream ends with EOS").isEmpty();
            return docs;
        } finally {
            ch.shutdownNow();
        }
    }

    private static int eosCount(List<TokenShard> shards) {
        int n = 0;
        for (int id : ShardReader.tokens(shards)) {
            if (id == EOS) {
                n++;
            }
        }
        return n;
    }

    private IngestSummary ingest(List<Document> documents)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        StreamRecorder<IngestSummary> summary = new StreamRecorder<>();
        StreamObserver<Document> requests = CorpusServiceGrpc.newStub(channel).ingestDocuments(summary);
        documents.forEach(requests::onNext);
        requests.onCompleted();
        return summary.awaitSingle(120, TimeUnit.SECONDS);
    }

    @Test
    void keepsEnglishDropsTheRestAndShipsTheKeptTextAsShards() throws Exception {
        List<String> english = keptEnglish(6, 0);
        String withPii = english.get(2) + "\nWrite to jane.doe@parliament-mail.eu or call 8.8.8.8 for the minutes.";
        String nearDuplicate = english.get(1).replaceFirst("the", "this").replaceFirst("and", "or");
        List<String> foreign = Europarl.bodies().stream()
                .map(Europarl::asDocument)
                .filter(d -> Europarl.referenceLanguage(d).equals("de")
                        || Europarl.referenceLanguage(d).equals("fr"))
                .limit(3)
                .toList();

        List<Document> documents = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < english.size(); i++) {
            String doc = i == 2 ? withPii : english.get(i);
            documents.add(text("en-" + i, doc));
            InspectedDocument inspected = corpus.inspectDocument(text("en-" + i, doc));
            assertThat(inspected.getKept()).isTrue();
            assertThat(inspected.getLanguage()).isEqualTo("en");
            assertThat(inspected.getLanguageScore()).isGreaterThan(0.65f);
            expected.add(inspected.getFinalText());
        }
        assertThat(expected.get(2))
                .doesNotContain("jane.doe@parliament-mail.eu")
                .doesNotContain("8.8.8.8");
        for (int i = 0; i < foreign.size(); i++) {
            documents.add(text("foreign-" + i, foreign.get(i)));
        }
        documents.add(text("exact-dup", english.get(0)));
        documents.add(text("near-dup", nearDuplicate));

        IngestSummary summary = ingest(documents);
        System.out.println("IngestDocuments summary: " + summary);
        assertThat(summary.getDocumentsReceived()).isEqualTo(11);
        assertThat(summary.getDocumentsKept()).isEqualTo(6);
        assertThat(summary.getDocumentsDropped()).isEqualTo(5);
        assertThat(summary.getDroppedByReasonMap()).containsEntry("exact_dedup/exact_duplicate", 1L);
        assertThat(summary.getDroppedByReasonMap().keySet()).anyMatch(k -> k.startsWith("minhash_dedup/"));
        assertThat(summary.getDroppedByReasonMap().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("language/"))
                        .mapToLong(e -> e.getValue())
                        .sum())
                .isEqualTo(3);
        assertThat(summary.getTokens()).isGreaterThan(1000);

        // Other tests of this class share the topic: pick this test's documents out of the stream. PII
        // replacements rotate, so the scrubbed document is checked by its untouched first line.
        String piiHead = expected.get(2).lines().findFirst().orElseThrow();
        List<String> exact = new ArrayList<>(expected);
        exact.remove(2);
        List<TokenShard> shards = ShardReader.readUntil(
                SHARDS,
                s -> {
                    List<String> docs = decodeDocuments(ShardReader.tokens(s));
                    return docs.containsAll(exact) && docs.stream().anyMatch(d -> d.startsWith(piiHead));
                },
                Duration.ofSeconds(60));
        assertThat(shards).allSatisfy(s -> assertThat(s.getEncoding()).isEqualTo("r50k_base"));
        List<String> decoded = decodeDocuments(ShardReader.tokens(shards));
        assertThat(decoded.stream().filter(exact::contains).toList())
                .as("kept text, in order, once")
                .isEqualTo(exact);
        assertThat(decoded.stream().filter(d -> d.startsWith(piiHead)).toList())
                .singleElement()
                .satisfies(d -> assertThat(d)
                        .doesNotContain("jane.doe@parliament-mail.eu", "8.8.8.8")
                        .contains("@example."));

        PipelineStats stats = corpus.getStats(GetStatsRequest.getDefaultInstance());
        assertThat(stats.getStepsList())
                .extracting(s -> s.getStep())
                .startsWith("url_filter", "html_extract", "language");
        assertThat(stats.getDocumentsKept()).isGreaterThanOrEqualTo(6);
        assertThat(stats.getShardsProduced()).isGreaterThanOrEqualTo(1);
        assertThat(stats.getDedupIndexDocuments()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void ingestsAWarcWithProgressAndExtractsTheArticle(@org.junit.jupiter.api.io.TempDir Path unused) throws Exception {
        Path inputs = CorpusTestData.root.resolve("inputs");
        Files.createDirectories(inputs);
        Path warc = inputs.resolve("pages.warc.gz");
        List<String> english = keptEnglish(2, 10);
        try (WarcWriter writer = new WarcWriter(warc)) {
            for (int i = 0; i < english.size(); i++) {
                String html = "<html><head><title>Debate " + i + "</title></head><body>"
                        + "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li><li><a href='/login'>Log in"
                        + "</a></li></ul></nav><article><h1>Debate " + i + "</h1>"
                        + english.get(i).lines().map(p -> "<p>" + p + "</p>").reduce("", String::concat)
                        + "</article><footer>Cookie settings | Privacy | Imprint</footer></body></html>";
                byte[] http = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html)
                        .getBytes(StandardCharsets.UTF_8);
                writer.write(new WarcResponse.Builder("https://parliament.example.org/debate/" + i)
                        .date(Instant.now())
                        .body(MediaType.HTTP_RESPONSE, http)
                        .build());
            }
        }
        Iterator<IngestProgress> progress = corpus.ingestWarc(
                IngestWarcRequest.newBuilder().setPath(warc.toString()).build());
        IngestProgress last = null;
        while (progress.hasNext()) {
            last = progress.next();
        }
        assertThat(last).isNotNull();
        assertThat(last.getDone()).isTrue();
        assertThat(last.getSummary().getDocumentsKept())
                .as(last.getSummary().toString())
                .isEqualTo(2);

        InspectedDocument page = corpus.inspectDocument(Document.newBuilder()
                .setId("page")
                .setContent(
                        ByteString.copyFromUtf8("<html><body><nav><a href='/'>Home</a> | <a href='/x'>Sitemap</a></nav>"
                                + "<article>"
                                + english.get(0)
                                        .lines()
                                        .map(p -> "<p>" + p + "</p>")
                                        .reduce("", String::concat)
                                + "</article></body></html>"))
                .setContentType("text/html")
                .build());
        assertThat(page.getSteps(1).getStep()).isEqualTo("html_extract");
        assertThat(page.getSteps(1).getTextAfter())
                .doesNotContain("Sitemap")
                .contains(english.get(0).lines().findFirst().orElseThrow());
    }

    @Test
    void inputsThatEscapeTheRootsThroughASymbolicLinkAreDenied() throws Exception {
        Path inputs = Files.createDirectories(CorpusTestData.root.resolve("inputs"));
        Path elsewhere = Files.createDirectories(CorpusTestData.root.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("private.jsonl"), "{\"text\": \"not for the corpus\"}\n");
        Path link = inputs.resolve("link-to-elsewhere");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, elsewhere);
        }

        StatusRuntimeException jsonl = failureOf(() -> corpus.ingestJsonl(IngestJsonlRequest.newBuilder()
                        .setPath(link.resolve("private.jsonl").toString())
                        .build())
                .hasNext());
        assertThat(jsonl.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(jsonl.getStatus().getDescription())
                .contains(
                        "path", elsewhere.toRealPath().resolve("private.jsonl").toString(), "kiln.corpus.input-roots");
        assertThat(codeOf(() -> corpus.ingestJsonl(IngestJsonlRequest.newBuilder()
                                .setPath("link-to-elsewhere")
                                .build())
                        .hasNext()))
                .as("a relative path resolves against the first root, and the link is followed")
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder()
                                .setPath(link.resolve("not-yet/crawl.warc").toString())
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder()
                                .setPath(inputs + "/../elsewhere/private.jsonl")
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void badRequestsGetTheRightStatus() throws Exception {
        List<Document> documents = List.of(
                text("ok-0", keptEnglish(1, 20).get(0)),
                text("ok-1", "short"),
                Document.newBuilder().setId("empty").build());
        StatusRuntimeException empty = failureOf(() -> {
            try {
                ingest(documents);
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(empty.getStatus().getDescription()).contains("document 2", "empty");

        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder().build())
                        .hasNext()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder()
                                .setPath("/etc/passwd")
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        Path inputs = Files.createDirectories(CorpusTestData.root.resolve("inputs"));
        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder()
                                .setPath(inputs.resolve("missing.warc").toString())
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.NOT_FOUND);
        Path notWarc = Files.writeString(inputs.resolve("notes.txt"), "hello");
        assertThat(codeOf(() -> corpus.ingestWarc(IngestWarcRequest.newBuilder()
                                .setPath(notWarc.toString())
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(codeOf(() -> corpus.inspectDocument(Document.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void documentsFromKafkaBecomeShardsAndAStoppedConsumerLosesNothing() throws Exception {
        String topic = "kiln.test.corpus.documents";
        KafkaBroker.shared().createTopic(topic, 2);
        List<String> english = keptEnglish(24, 40);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < english.size(); i++) {
            expected.add(corpus.inspectDocument(text("k-" + i, english.get(i))).getFinalText());
        }
        int before = eosCount(ShardReader.readUntil(SHARDS, s -> false, Duration.ofSeconds(2)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaBroker.shared().clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 12; i++) {
                producer.send(new ProducerRecord<>(
                                topic, "k-" + i, text("k-" + i, english.get(i)).toByteArray()))
                        .get();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.consumed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            consumer.stop();
            for (int i = 12; i < 24; i++) {
                producer.send(new ProducerRecord<>(
                                topic, "k-" + i, text("k-" + i, english.get(i)).toByteArray()))
                        .get();
            }
            consumer.start();
        }
        List<TokenShard> shards =
                ShardReader.readUntil(SHARDS, s -> eosCount(s) >= before + 24, Duration.ofSeconds(90));
        List<String> decoded = decodeDocuments(ShardReader.tokens(shards));
        List<String> fromKafka = decoded.stream().filter(expected::contains).toList();
        assertThat(fromKafka)
                .as("every document exactly once")
                .hasSize(24)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(consumer.failure()).isNull();
        HttpResponse<String> live = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "q/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.body()).contains("documents-consumer");
    }
}
