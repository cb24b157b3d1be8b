package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandBatch;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupIndex.Verdict;
import dev.kiln.testing.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The band topic's batched records against the real broker and stream tasks: a document whose keys
 * fall on several partitions is sent as one record per partition, each decided key by key; a claim
 * cut off after some of its partitions' records (its replica died between them) is taken back by the
 * document's replay.
 */
class BandBatchTest {

    @TempDir
    Path dir;

    private static long[] randomKeys(Random random, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }

    @Test
    void aDocumentWhoseKeysSpreadOverPartitionsIsOneRecordPerPartitionDecidedPerKey() throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.batch.");
        long[] keys = randomKeys(new Random(7), 14);
        try (KafkaDedupIndex index = index(topics)) {
            DedupKeys a = new DedupKeys(DedupKeys.Kind.BAND, "docs/0@1", keys);
            assertThat(index.claim(a).get(60, TimeUnit.SECONDS)).isEqualTo(Verdict.FIRST);

            Map<Integer, List<Entry>> byPartition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : TopicContents.records(topics.bands(), false)) {
                BandBatch batch = BandBatch.decode(record.value());
                for (Entry entry : batch.entries()) {
                    if (entry.type() != Type.CLAIM) {
                        continue; // the kept marks that followed the verdict
                    }
                    assertThat(record.key()).isEqualTo(batch.entries().get(0).indexKey(0));
                    for (int i = 0; i < entry.size(); i++) {
                        assertThat(BandBatcher.partitionOf(entry.indexKey(i), DedupReplica.PARTITIONS))
                                .as("every key of a record lives on the record's partition")
                                .isEqualTo(record.partition());
                        assertThat(entry.keys()[i]).isEqualTo(keys[entry.indexes()[i]]);
                    }
                    byPartition
                            .computeIfAbsent(record.partition(), p -> new ArrayList<>())
                            .add(entry);
                }
            }
            assertThat(byPartition.size())
                    .as("14 random keys over 6 partitions")
                    .isGreaterThan(2);
            assertThat(byPartition.values())
                    .allSatisfy(entries -> assertThat(entries).hasSize(1));
            TreeSet<Integer> indexes = new TreeSet<>();
            byPartition.values().forEach(entries -> {
                for (int i : entries.get(0).indexes()) {
                    indexes.add(i);
                }
            });
            assertThat(indexes).hasSize(14).first().isEqualTo(0);

            // A later document sharing one key, on whichever partition it lands, is a duplicate for that key.
            long[] near = randomKeys(new Random(8), 14);
            near[9] = keys[5];
            Verdict b = index.claim(new DedupKeys(DedupKeys.Kind.BAND, "docs/0@2", near))
                    .get(60, TimeUnit.SECONDS);
            assertThat(b).isEqualTo(new Verdict(9, "docs/0@1"));
        }
    }

    @Test
    void aClaimCutOffBetweenItsPartitionsIsTakenBackByItsReplay() throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.test.batch.");
        long[] keys = randomKeys(new Random(11), 14);
        String document = topics.documents() + "/0@3";
        // A replica that died after writing the record of one partition of the document's claim only.
        int partition =
                BandBatcher.partitionOf(DedupKeys.indexKey(DedupKeys.Kind.BAND, keys[0]), DedupReplica.PARTITIONS);
        List<Integer> written = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (BandBatcher.partitionOf(DedupKeys.indexKey(DedupKeys.Kind.BAND, keys[i]), DedupReplica.PARTITIONS)
                    == partition) {
                written.add(i);
            }
        }
        assertThat(written).hasSizeLessThan(keys.length);
        int[] indexes = written.stream().mapToInt(Integer::intValue).toArray();
        long[] values = written.stream().mapToLong(i -> keys[i]).toArray();
        Entry half =
                new Entry(Type.CLAIM, 1, System.currentTimeMillis(), document, DedupKeys.Kind.BAND, indexes, values);
        try (KafkaDedupIndex index = index(topics)) {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    KafkaBroker.shared().clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                topics.bands(),
                                partition,
                                half.indexKey(0),
                                new BandBatch("dead-replica", 0, List.of(half)).encode()))
                        .get();
            }
            // Another document meets the dead replica's pending hold: the hold is earlier, so it gives way.
            long[] other = randomKeys(new Random(12), 14);
            other[3] = keys[indexes[0]];
            assertThat(index.claim(new DedupKeys(DedupKeys.Kind.BAND, topics.documents() + "/1@0", other))
                            .get(60, TimeUnit.SECONDS))
                    .isEqualTo(new Verdict(3, document));
            // The replay of the document (same name) finds its own holds and claims the rest: kept.
            assertThat(index.claim(new DedupKeys(DedupKeys.Kind.BAND, document, keys))
                            .get(60, TimeUnit.SECONDS))
                    .isEqualTo(Verdict.FIRST);
            // Kept for good now: a copy is a duplicate on its first key.
            assertThat(index.claim(new DedupKeys(DedupKeys.Kind.BAND, topics.documents() + "/2@0", keys))
                            .get(60, TimeUnit.SECONDS))
                    .isEqualTo(new Verdict(0, document));
        }
    }

    private KafkaDedupIndex index(DedupReplica.Topics topics) {
        return topics.index(dir.resolve(topics.applicationId()));
    }
}
