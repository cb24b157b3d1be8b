package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Global dedup with 2 and 3 corpus replicas in one JVM against the real broker: they share the
 * documents topic (one group) and the dedup stream application. Every original has an exact or a near
 * copy on a partition another replica reads; each cluster must come out exactly once, also when a
 * replica is killed mid-stream and a new one takes its place.
 */
class GlobalDedupReplicasTest {

    private static final int PARTITIONS = DedupReplica.PARTITIONS;
    private static final int ORIGINALS = 160;
    private static final int EXACT_COPIES = 40;
    private static final int NEAR_COPIES = 40;

    @TempDir
    Path dir;

    /** One document to send: its text, its cluster (original and copies share one) and its partition. */
    private record Planted(String text, int cluster, int partition) {}

    @Test
    void twoReplicasKeepExactlyOneOfEachCluster() throws Exception {
        run(2, false);
    }

    @Test
    void threeReplicasKeepExactlyOneOfEachCluster() throws Exception {
        run(3, false);
    }

    @Test
    void aReplicaKilledMidStreamLosesNothingAndShipsNothingTwice() throws Exception {
        run(2, true);
    }

    private void run(int replicas, boolean killOne) throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.dedup.");
        List<Planted> planted = plant();
        Map<Long, Integer> clusterOf = new HashMap<>();
        for (Planted p : planted) {
            clusterOf.put(hashOfExtracted(p.text()), p.cluster());
        }

        List<DedupReplica> running = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                running.add(new DedupReplica("replica-" + i, topics, dir.resolve("replica-" + i)));
            }
            await(() -> running.stream().allMatch(DedupReplica::ready), Duration.ofSeconds(60), "replicas ready");
            send(topics.documents(), planted);
            if (killOne) {
                ShipLog early = new ShipLog(topics.shards());
                await(() -> early.poll().size() >= ORIGINALS / 4, Duration.ofSeconds(60), "a quarter shipped");
                early.close();
                running.remove(0).kill();
                running.add(new DedupReplica("replica-restarted", topics, dir.resolve("replica-restarted")));
            }
            await(topics::allCommitted, Duration.ofSeconds(90), "every document committed");
            for (DedupReplica replica : running) {
                assertThat(replica.failure()).isNull();
            }
        } finally {
            running.forEach(DedupReplica::close);
        }

        ShipLog log = new ShipLog(topics.shards());
        List<String> shipped = log.poll();
        log.close();
        Map<Integer, Integer> timesShipped = new TreeMap<>();
        for (String text : shipped) {
            Integer cluster = clusterOf.get(ExactDeduplicator.hash(text));
            assertThat(cluster)
                    .as("a shipped text is one of the planted documents")
                    .isNotNull();
            timesShipped.merge(cluster, 1, Integer::sum);
        }
        assertThat(timesShipped.keySet()).as("every cluster shipped").hasSize(ORIGINALS);
        assertThat(timesShipped.values())
                .as("each cluster shipped exactly once")
                .containsOnly(1);
    }

    /**
     * Europarl documents that the in-process dedup keeps as distinct, each followed by copies on the
     * partition three further on (another replica's with 2 or 3 replicas and range assignment): exact
     * copies, and near copies with one word changed that the in-process MinHash step drops.
     */
    private static List<Planted> plant() {
        Pipeline local = Pipelines.build(PipelineConfig.defaults().withSteps(DedupReplica.STEPS));
        List<String> originals = new ArrayList<>();
        for (String body : Europarl.bodies()) {
            String text = Europarl.asDocument(body);
            if (text.length() >= 800
                    && local.process(PipelineDocument.ofText(null, null, text)).kept()) {
                originals.add(text);
                if (originals.size() == ORIGINALS) {
                    break;
                }
            }
        }
        List<Planted> planted = new ArrayList<>();
        for (int i = 0; i < originals.size(); i++) {
            String text = originals.get(i);
            int partition = i % PARTITIONS;
            planted.add(new Planted(text, i, partition));
            int across = (partition + PARTITIONS / 2) % PARTITIONS;
            if (i < EXACT_COPIES) {
                planted.add(new Planted(text, i, across));
            } else if (i < EXACT_COPIES + NEAR_COPIES) {
                String[] words = text.split(" ");
                words[words.length / 2] = "kiln";
                String near = String.join(" ", words);
                assertThat(near).isNotEqualTo(text);
                assertThat(local.process(PipelineDocument.ofText(null, null, near))
                                .reason())
                        .as("the in-process MinHash step takes the near copy for a duplicate")
                        .isEqualTo("near_duplicate");
                planted.add(new Planted(near, i, across));
            }
        }
        Collections.shuffle(planted, new Random(15));
        return planted;
    }

    private static long hashOfExtracted(String text) {
        return ExactDeduplicator.hash(text.strip());
    }

    private static void send(String topic, List<Planted> planted) {
        Properties props = KafkaBroker.shared().clientProperties();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            int n = 0;
            for (Planted p : planted) {
                Document doc = Document.newBuilder()
                        .setId("doc-" + n++)
                        .setContentType("text/plain; charset=utf-8")
                        .setContent(ByteString.copyFrom(p.text(), StandardCharsets.UTF_8))
                        .build();
                producer.send(new ProducerRecord<>(topic, p.partition(), doc.getId(), doc.toByteArray()));
            }
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    /**
     * The documents on the shards topic: each producer's shards in sequence, cut at EOS; a producer's
     * trailing piece without EOS (a replica killed mid-document) is no document.
     */
    private static final class ShipLog implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, TreeMap<Long, TokenShard>> byProducer = new HashMap<>();

        ShipLog(String topic) {
            Properties props = KafkaBroker.shared().clientProperties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "ship-log-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
        }

        List<String> poll() {
            for (int i = 0; i < 3; i++) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    try {
                        TokenShard shard = TokenShard.parseFrom(record.value());
                        String id = shard.getShardId();
                        int dash = id.lastIndexOf('-');
                        byProducer
                                .computeIfAbsent(id.substring(0, dash), k -> new TreeMap<>())
                                .put(Long.parseLong(id.substring(dash + 1)), shard);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            List<String> documents = new ArrayList<>();
            for (TreeMap<Long, TokenShard> shards : byProducer.values()) {
                List<Integer> current = new ArrayList<>();
                for (TokenShard shard : shards.values()) {
                    for (int id : TokenShards.unpack(shard)) {
                        if (id == DedupReplica.EOS) {
                            documents.add(DedupReplica.R50K.decode(
                                    current.stream().mapToInt(Integer::intValue).toArray()));
                            current.clear();
                        } else {
                            current.add(id);
                        }
                    }
                }
            }
            return documents;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
