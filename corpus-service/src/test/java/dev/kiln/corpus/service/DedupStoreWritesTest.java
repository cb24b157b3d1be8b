package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.dedup.BandLedger;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandBatch;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.KeyAnswer;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.VerdictBatch;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupIndex.Verdict;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the stream tasks write, against the real broker: a hold is written when it is taken or freed,
 * and a document's verdict and shipped mark once per band partition ({@value DedupTopology#RESOLVED}),
 * not once per key; the kept and shipped states read back from there decide later claims exactly as
 * states stored on each key did.
 */
class DedupStoreWritesTest {

    @TempDir
    Path dir;

    @Test
    void aKeptDocumentIsOneWritePerKeyAndOnePerPartitionForEachMark() throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.writes.");
        long[] keys = randomKeys(new Random(21), 14);
        String a = topics.documents() + "/0@1";
        DedupKeys aKeys = new DedupKeys(DedupKeys.Kind.BAND, a, keys);
        Set<Integer> partitions = new HashSet<>();
        for (int i = 0; i < keys.length; i++) {
            partitions.add(BandBatcher.partitionOf(aKeys.indexKey(i), DedupReplica.PARTITIONS));
        }
        try (KafkaDedupIndex index = index(topics);
                Asker earlier = new Asker(topics)) {
            assertThat(index.claim(aKeys).get(60, TimeUnit.SECONDS)).isEqualTo(Verdict.FIRST);
            awaitRecords(topics, DedupTopology.RESOLVED, partitions.size());
            // An earlier document meeting a kept holder is a duplicate; had the hold stayed pending, it
            // would wait (wait-die), and no answer would come.
            int key = 6;
            KeyAnswer answer = earlier.claim(new Entry(
                    Type.CLAIM, 77, 1, "earlier/0@0", DedupKeys.Kind.BAND, new int[] {0}, new long[] {keys[key]}));
            assertThat(answer.first()).isFalse();
            assertThat(answer.holder()).isEqualTo(a);

            assertThat(changelog(topics, DedupTopology.CLAIMS))
                    .as("one write per key, when it was claimed")
                    .hasSize(keys.length);
            List<ConsumerRecord<byte[], byte[]>> resolved = changelog(topics, DedupTopology.RESOLVED);
            assertThat(resolved).as("the verdict once per partition").hasSize(partitions.size());
            assertThat(resolved).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo(BandLedger.resolvedKey(DedupKeys.Kind.BAND, a));
                assertThat(r.value()).containsExactly(BandLedger.State.KEPT.ordinal());
            });

            try (KafkaShardSink sink = topics.sink("replica-0")) {
                TokenShard shard = TokenShard.newBuilder().setShardId("a-0").build();
                sink.send(shard, false, List.of(aKeys)).get(60, TimeUnit.SECONDS);
            }
            assertThat(index.claim(aKeys).get(60, TimeUnit.SECONDS))
                    .as("a shipped document's replay is a duplicate of itself")
                    .isEqualTo(new Verdict(0, a));
            assertThat(changelog(topics, DedupTopology.CLAIMS)).hasSize(keys.length);
            List<ConsumerRecord<byte[], byte[]>> marks = changelog(topics, DedupTopology.RESOLVED);
            assertThat(marks).hasSize(2 * partitions.size());
            for (int partition : partitions) {
                assertThat(marks.stream()
                                .filter(r -> r.partition() == partition)
                                .map(r -> (int) r.value()[0]))
                        .as("kept, then shipped, on partition %d", partition)
                        .containsExactly(BandLedger.State.KEPT.ordinal(), BandLedger.State.SHIPPED.ordinal());
            }
        }
    }

    @Test
    void aKeptDocumentDroppedLaterFreesItsKeysAndForgetsItsVerdict() throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.writes.");
        long[] keys = randomKeys(new Random(22), 14);
        String a = topics.documents() + "/0@1";
        DedupKeys aKeys = new DedupKeys(DedupKeys.Kind.BAND, a, keys);
        try (KafkaDedupIndex index = index(topics);
                Asker asker = new Asker(topics)) {
            assertThat(index.claim(aKeys).get(60, TimeUnit.SECONDS)).isEqualTo(Verdict.FIRST);
            int key = 3;
            int partition = BandBatcher.partitionOf(aKeys.indexKey(key), DedupReplica.PARTITIONS);
            long partitions = java.util.stream.IntStream.range(0, keys.length)
                    .map(i -> BandBatcher.partitionOf(aKeys.indexKey(i), DedupReplica.PARTITIONS))
                    .distinct()
                    .count();
            awaitRecords(topics, DedupTopology.RESOLVED, (int) partitions);
            // Its replay timed out (the replica gives up its holds): kept but never shipped, it lets go.
            List<Integer> here = new ArrayList<>();
            for (int i = 0; i < keys.length; i++) {
                if (BandBatcher.partitionOf(aKeys.indexKey(i), DedupReplica.PARTITIONS) == partition) {
                    here.add(i);
                }
            }
            asker.send(
                    partition,
                    new Entry(
                            Type.DROPPED,
                            0,
                            0,
                            a,
                            DedupKeys.Kind.BAND,
                            here.stream().mapToInt(Integer::intValue).toArray(),
                            here.stream().mapToLong(i -> keys[i]).toArray()));
            KeyAnswer answer = asker.claim(new Entry(
                    Type.CLAIM, 78, 1, "earlier/0@0", DedupKeys.Kind.BAND, new int[] {0}, new long[] {keys[key]}));
            assertThat(answer.first())
                    .as("the freed key goes to the next claim")
                    .isTrue();
            assertThat(changelog(topics, DedupTopology.RESOLVED))
                    .as("its verdict on that partition is deleted with its holds")
                    .anySatisfy(r -> {
                        assertThat(r.key()).isEqualTo(BandLedger.resolvedKey(DedupKeys.Kind.BAND, a));
                        assertThat(r.partition()).isEqualTo(partition);
                        assertThat(r.value()).isNull();
                    });
        }
    }

    @Test
    void aShippedDocumentIsMarkedAtItsFirstDedupStepOnly() throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.writes.");
        List<String> texts = Europarl.bodies().stream()
                .map(Europarl::asDocument)
                .filter(t -> t.length() > 1500)
                .limit(3)
                .toList();
        try (DedupReplica replica = new DedupReplica("replica-0", topics, dir.resolve("replica-0"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!replica.ready()) {
                assertThat(System.nanoTime()).as("replica ready").isLessThan(deadline);
                Thread.sleep(100);
            }
            topics.send(texts, i -> 0);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (shippedMarks(topics) < texts.size()) {
                assertThat(System.nanoTime()).as("every document shipped").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(replica.engine.stats().documentsKept()).isEqualTo(texts.size());
        }
        for (ConsumerRecord<byte[], byte[]> r : changelog(topics, DedupTopology.RESOLVED)) {
            DedupKeys.Kind kind = DedupKeys.Kind.of(r.key()[0]);
            if (kind == DedupKeys.Kind.BAND) {
                assertThat(r.value())
                        .as("band keys are only kept: exact dedup comes first, and a replay stops there")
                        .containsExactly(BandLedger.State.KEPT.ordinal());
            }
        }
        assertThat(shippedMarks(topics)).isEqualTo(texts.size());
    }

    private static void awaitRecords(DedupReplica.Topics topics, String store, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (changelog(topics, store).size() < count) {
            assertThat(System.nanoTime()).as("%d records in %s", count, store).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Documents whose exact key was marked shipped. */
    private static long shippedMarks(DedupReplica.Topics topics) {
        return changelog(topics, DedupTopology.RESOLVED).stream()
                .filter(r -> r.key()[0] == DedupKeys.Kind.EXACT.tag()
                        && Arrays.equals(r.value(), new byte[] {(byte) BandLedger.State.SHIPPED.ordinal()}))
                .count();
    }

    private static long[] randomKeys(Random random, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }

    private KafkaDedupIndex index(DedupReplica.Topics topics) {
        return topics.index(dir.resolve(topics.applicationId()));
    }

    /** Every committed record of one store's changelog, in offset order per partition. */
    private static List<ConsumerRecord<byte[], byte[]>> changelog(DedupReplica.Topics topics, String store) {
        return TopicContents.records(topics.applicationId() + "-" + store + "-changelog", true);
    }

    /**
     * A replica of its own on the band topic, written by hand: sends entries as the batcher would and
     * reads its answers from its verdict partition (read_committed, as {@link KafkaDedupIndex} does).
     */
    private static final class Asker implements AutoCloseable {
        private static final String REPLICA = "asker";
        private static final int REPLY_PARTITION = 0;
        private final DedupReplica.Topics topics;
        private final KafkaProducer<byte[], byte[]> producer;
        private final KafkaConsumer<byte[], byte[]> verdicts;

        Asker(DedupReplica.Topics topics) {
            this.topics = topics;
            producer = new KafkaProducer<>(
                    KafkaBroker.shared().clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            Properties props = KafkaBroker.shared().clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            verdicts = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition mine = new TopicPartition(topics.verdicts(), REPLY_PARTITION);
            verdicts.assign(List.of(mine));
            verdicts.seekToBeginning(List.of(mine));
        }

        void send(int partition, Entry entry) throws Exception {
            producer.send(new ProducerRecord<>(
                            topics.bands(),
                            partition,
                            entry.indexKey(0),
                            new BandBatch(REPLICA, REPLY_PARTITION, List.of(entry)).encode()))
                    .get();
        }

        /** Claims the one key of {@code entry} on its partition and waits for the answer. */
        KeyAnswer claim(Entry entry) throws Exception {
            send(BandBatcher.partitionOf(entry.indexKey(0), DedupReplica.PARTITIONS), entry);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : verdicts.poll(Duration.ofMillis(200))) {
                    VerdictBatch batch = VerdictBatch.decode(r.value());
                    if (batch.replica().equals(REPLICA)) {
                        for (KeyAnswer answer : batch.answers()) {
                            if (answer.requestId() == entry.requestId()) {
                                return answer;
                            }
                        }
                    }
                }
            }
            throw new AssertionError("no answer to " + entry + " within 30 s");
        }

        @Override
        public void close() {
            producer.close();
            verdicts.close();
        }
    }
}
