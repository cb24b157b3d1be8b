package dev.kiln.corpus.service;

import com.google.protobuf.ByteString;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not part of the suite: documents/s per replica of global dedup (1 and 2 in-process
 * replicas against the real broker, steps html_extract, exact_dedup, minhash_dedup) and the disk bytes
 * per document it leaves (RocksDB state directories + the dedup topics and changelogs on the broker),
 * beside the in-process in-heap dedup on the same documents. Run:
 * {@code ./mvnw -B -o test -pl corpus-service/corpus-core,corpus-service -am -Dtest=GlobalDedupBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dkiln.bench.dedup=true}
 */
@EnabledIfSystemProperty(named = "kiln.bench.dedup", matches = "true")
class GlobalDedupBench {

    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    @Test
    void bench() throws Exception {
        int n = Integer.getInteger("kiln.bench.dedup.documents", 20_000);
        List<String> texts = new ArrayList<>();
        for (String body : Europarl.bodies()) {
            texts.add(Europarl.asDocument(body));
            if (texts.size() == n) {
                break;
            }
        }
        n = texts.size();
        Pipeline local = Pipelines.build(PipelineConfig.defaults().withSteps(DedupReplica.STEPS));
        long t0 = System.nanoTime();
        long kept = 0;
        for (String text : texts) {
            PipelineDocument doc = PipelineDocument.ofBytes(
                    null, null, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
            if (local.process(doc).kept()) {
                kept++;
            }
        }
        double localRate = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(
                Locale.ROOT, "BENCH in-heap dedup (one thread): %d docs, %d kept, %.0f docs/s%n", n, kept, localRate);
        for (int replicas : new int[] {1, 2}) {
            run(texts, replicas, localRate);
        }
    }

    private void run(List<String> texts, int replicas, double localRate) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        DedupReplica.Topics topics = new DedupReplica.Topics(
                "kiln.bench.dedup." + run + ".documents",
                "kiln.bench.dedup." + run + ".shards",
                "kiln-corpus-" + run,
                "kiln-corpus-dedup-" + run,
                "kiln.bench.dedup." + run + ".bands",
                "kiln.bench.dedup." + run + ".verdicts");
        KafkaBroker.shared().createTopic(topics.documents(), PARTITIONS);
        KafkaBroker.shared().createTopic(topics.shards(), 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaBroker.shared().clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < texts.size(); i++) {
                Document doc = Document.newBuilder()
                        .setId("doc-" + i)
                        .setContentType("text/plain; charset=utf-8")
                        .setContent(ByteString.copyFrom(texts.get(i), StandardCharsets.UTF_8))
                        .build();
                producer.send(new ProducerRecord<>(topics.documents(), doc.getId(), doc.toByteArray()));
            }
        }
        List<DedupReplica> running = new ArrayList<>();
        Path state = dir.resolve(run);
        long t0 = System.nanoTime();
        for (int i = 0; i < replicas; i++) {
            running.add(new DedupReplica("bench-" + i, topics, state.resolve("replica-" + i)));
        }
        while (!allCommitted(topics)) {
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long stateBytes = size(state);
        long topicBytes = topicBytes(topics);
        running.forEach(DedupReplica::close);
        System.out.printf(
                Locale.ROOT,
                "BENCH global dedup, %d replica(s): %d docs in %.1f s (start-up included) = %.0f docs/s per replica"
                        + " (%.2fx in-heap); disk %.0f B/doc (state dirs %.0f + dedup topics and changelogs %.0f)%n",
                replicas,
                texts.size(),
                seconds,
                texts.size() / seconds / replicas,
                texts.size() / seconds / replicas / localRate,
                (stateBytes + topicBytes) / (double) texts.size(),
                stateBytes / (double) texts.size(),
                topicBytes / (double) texts.size());
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /** Bytes on the broker of the band and verdict topics and the stores' changelogs. */
    private static long topicBytes(DedupReplica.Topics topics) throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            Set<String> names = admin.listTopics().names().get();
            List<String> ours = names.stream()
                    .filter(t -> t.equals(topics.bands())
                            || t.equals(topics.verdicts())
                            || t.startsWith(topics.applicationId() + "-"))
                    .toList();
            int broker = admin.describeCluster().nodes().get().iterator().next().id();
            long bytes = 0;
            for (var dirs : admin.describeLogDirs(List.of(broker))
                    .allDescriptions()
                    .get()
                    .get(broker)
                    .values()) {
                for (var replica : dirs.replicaInfos().entrySet()) {
                    if (ours.contains(replica.getKey().topic())) {
                        bytes += replica.getValue().size();
                    }
                }
            }
            return bytes;
        }
    }

    private static boolean allCommitted(DedupReplica.Topics topics) throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(topics.group())
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topics.documents(), p), OffsetSpec.latest());
            }
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                if (at == null || at.offset() < end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        }
    }
}
