package dev.kiln.corpus.service;

import dev.kiln.testing.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a topic on the shared test broker holds: every partition read from its beginning to the end
 * offsets it has when asked, by a consumer of no group. {@code committedOnly} reads read_committed:
 * no records of aborted transactions, and up to each partition's last stable offset.
 */
final class TopicContents {
    private TopicContents() {}

    /** Every record, in offset order per partition. */
    static List<ConsumerRecord<byte[], byte[]>> records(String topic, boolean committedOnly) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        forEach(topic, committedOnly, Duration.ofSeconds(30), records::add);
        return records;
    }

    /**
     * Hands every record to {@code each} and answers how many there were.
     *
     * @throws IllegalStateException when the end offsets are not reached within {@code timeout}
     */
    static long forEach(
            String topic, boolean committedOnly, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = KafkaBroker.shared().clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r);
                    count++;
                }
            }
            return count;
        }
    }
}
