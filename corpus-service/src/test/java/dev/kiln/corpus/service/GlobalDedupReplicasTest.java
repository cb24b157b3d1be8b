package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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

    /**
     * The replica dies between sending a shard and committing its transaction, and that shard holds
     * the tail of a document longer than a shard (its head went out in the same open transaction): the
     * restarted replica (same name, so the same transactional id, which aborts what the dead one left
     * open) ships every document exactly once, the long one whole, as a read_committed reader sees it.
     */
    @Test
    void aCrashBeforeTheShardCommitShipsEveryDocumentOnceAfterTheReplay() throws Exception {
        crashAndReplay(CrashingShardProducer.CrashPoint.BEFORE_COMMIT);
    }

    /**
     * The replica dies right after a shard transaction committed, before any of its documents' offsets
     * could be committed: the replay reads them again and finds them marked shipped by that same
     * transaction, so none is shipped twice (the window a separate mark left open).
     */
    @Test
    void aCrashAfterTheShardCommitShipsNothingTwiceAfterTheReplay() throws Exception {
        crashAndReplay(CrashingShardProducer.CrashPoint.AFTER_COMMIT);
    }

    private void crashAndReplay(CrashingShardProducer.CrashPoint point) throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.crash.");
        Pipeline local = Pipelines.build(PipelineConfig.defaults().withSteps(DedupReplica.STEPS));
        List<String> texts = new ArrayList<>();
        Map<Long, Integer> documentOf = new HashMap<>();
        List<String> bodies = Europarl.bodies();
        int next = 0;
        while (texts.size() < 40) {
            String text = Europarl.asDocument(bodies.get(next++));
            Pipeline.Result kept =
                    text.length() >= 800 ? local.process(PipelineDocument.ofText(null, null, text)) : null;
            if (kept != null && kept.kept()) {
                documentOf.put(ExactDeduplicator.hash(kept.text()), texts.size());
                texts.add(text);
            }
        }
        // One document over two shards long, from bodies none of the others uses.
        StringBuilder longText = new StringBuilder();
        while (R50K_TOKENS.applyAsInt(longText.toString()) < DedupReplica.SHARD_TOKENS * 3 / 2) {
            longText.append(Europarl.asDocument(bodies.get(next++))).append(' ');
        }
        Pipeline.Result longKept = local.process(PipelineDocument.ofText(null, null, longText.toString()));
        assertThat(longKept.kept()).isTrue();
        int longDocument = texts.size();
        documentOf.put(ExactDeduplicator.hash(longKept.text()), longDocument);
        texts.add(longText.toString());

        CountDownLatch crashed = new CountDownLatch(1);
        // Before the commit: at the tail of the long document (the only shard without a document start: its
        // document began in an earlier shard of the same transaction). After the commit: at the first shard
        // that ends documents.
        Predicate<TokenShard> crashWhen = shard -> {
            boolean now = point == CrashingShardProducer.CrashPoint.BEFORE_COMMIT
                    ? shard.getDocumentCount() == 0
                    : shard.getDocumentCount() > 0;
            if (now) {
                crashed.countDown();
            }
            return now;
        };
        DedupReplica replica = new DedupReplica(
                "replica-0",
                topics,
                dir.resolve("replica-0"),
                props -> new CrashingShardProducer(props, topics.shards(), point, crashWhen));
        try {
            await(replica::ready, Duration.ofSeconds(60), "replica ready");
            topics.send(texts, i -> i % PARTITIONS);
            assertThat(crashed.await(60, TimeUnit.SECONDS))
                    .as("the sink crashed")
                    .isTrue();
        } finally {
            replica.crashed();
        }
        DedupReplica restarted = new DedupReplica("replica-0", topics, dir.resolve("replica-0"));
        long replayDrops;
        try {
            await(topics::allCommitted, Duration.ofSeconds(90), "every document committed");
            assertThat(restarted.failure()).isNull();
            replayDrops = restarted.engine.stats().steps().stream()
                    .filter(step -> step.step().equals(Pipelines.EXACT_DEDUP))
                    .mapToLong(step -> step.droppedByReason().getOrDefault("exact_duplicate", 0L))
                    .sum();
        } finally {
            restarted.close();
        }

        ShipLog committed = new ShipLog(topics.shards(), "read_committed");
        Map<Integer, Integer> timesShipped = new TreeMap<>();
        for (String text : committed.poll()) {
            Integer document = documentOf.get(ExactDeduplicator.hash(text));
            assertThat(document)
                    .as("a shipped text is one of the documents, whole")
                    .isNotNull();
            timesShipped.merge(document, 1, Integer::sum);
        }
        int committedShards = committed.shards();
        committed.close();
        assertThat(timesShipped.keySet()).as("every document shipped").hasSize(texts.size());
        assertThat(timesShipped.values())
                .as("each document shipped exactly once")
                .containsOnly(1);
        ShipLog everything = new ShipLog(topics.shards(), "read_uncommitted");
        everything.poll();
        int allShards = everything.shards();
        everything.close();
        if (point == CrashingShardProducer.CrashPoint.BEFORE_COMMIT) {
            assertThat(allShards)
                    .as("the dead replica's open transaction had reached the broker (then aborted)")
                    .isGreaterThanOrEqualTo(committedShards + 2);
        } else {
            assertThat(replayDrops)
                    .as("the replay met documents of the committed shard and dropped them as shipped")
                    .isPositive();
        }
    }

    private static final java.util.function.ToIntFunction<String> R50K_TOKENS =
            text -> DedupReplica.R50K.encodeOrdinary(text).length;

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
            topics.send(
                    planted.stream().map(Planted::text).toList(),
                    i -> planted.get(i).partition());
            if (killOne) {
                ShipLog early = new ShipLog(topics.shards(), "read_committed");
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

        ShipLog log = new ShipLog(topics.shards(), "read_committed");
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

        private int shards;

        ShipLog(String topic, String isolation) {
            Properties props = KafkaBroker.shared().clientProperties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "ship-log-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            // read_committed as the trainer reads: a shard of an aborted transaction (a replica that died
            // before its commit) is no shard.
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
        }

        List<String> poll() {
            for (int i = 0; i < 3; i++) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    try {
                        TokenShard shard = TokenShard.parseFrom(record.value());
                        shards++;
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

        /** Shards read so far. */
        int shards() {
            return shards;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
