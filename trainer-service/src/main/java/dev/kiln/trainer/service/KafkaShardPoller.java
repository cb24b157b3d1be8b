package dev.kiln.trainer.service;

import dev.kiln.proto.kafka.KafkaClientProperties;
import dev.kiln.trainer.data.ShardLog;
import dev.kiln.trainer.data.TokenStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The shard topic as a {@link ShardLog}: a consumer assigned every partition by hand (no consumer
 * group), because the offsets live in the run's checkpoints, not in Kafka, and a resume seeks to
 * exactly what the checkpoint had consumed. It reads committed transactions only (the offsets of
 * aborted shards and of commit markers are gaps it steps over). The order of shards is the ShardSchedule's business.
 */
final class KafkaShardPoller implements ShardLog {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<Integer, TopicPartition> partitions = new HashMap<>();

    /** Waits up to {@code firstDataWait} for the topic to exist. */
    KafkaShardPoller(String bootstrapServers, String topic, Duration firstDataWait) {
        // TLS/SASL and any other client setting (kafka.*) first; Kiln's delivery settings below win.
        Properties props = new Properties();
        props.putAll(KafkaClientProperties.from(
                ConfigProvider.getConfig().getPropertyNames(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        // The corpus service writes each shard in a transaction with its documents' shipped marks: a
        // shard of an aborted transaction (a replica that died before its commit) is shipped again by
        // the replay, so reading it would train on those documents twice. Read_committed also makes
        // endOffsets the last stable offset, so a drained partition is never one with an open transaction.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kiln-trainer-" + topic);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            for (PartitionInfo info : awaitPartitions(topic, firstDataWait)) {
                partitions.put(info.partition(), new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions.values());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private List<PartitionInfo> awaitPartitions(String topic, Duration firstDataWait) {
        long deadline = System.nanoTime() + firstDataWait.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, REQUEST_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos;
            }
            if (System.nanoTime() > deadline) {
                throw new TokenStream.DataUnavailableException("Topic " + topic + " does not exist after waiting "
                        + firstDataWait.toSeconds() + " s: has the corpus service produced shards?");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStream.DataUnavailableException("Interrupted while waiting for the shard topic");
            }
        }
    }

    @Override
    public List<Integer> partitions() {
        return partitions.keySet().stream().sorted().toList();
    }

    @Override
    public List<Record> poll() {
        List<Record> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            records.add(new Record(record.partition(), record.offset(), record.value()));
        }
        return records;
    }

    @Override
    public long position(int partition) {
        return consumer.position(partitions.get(partition));
    }

    @Override
    public Map<Integer, Long> endOffsets() {
        Map<Integer, Long> ends = new HashMap<>();
        consumer.endOffsets(partitions.values(), REQUEST_TIMEOUT).forEach((tp, end) -> ends.put(tp.partition(), end));
        return ends;
    }

    @Override
    public void seek(int partition, long offset) {
        consumer.seek(partitions.get(partition), offset);
    }

    @Override
    public void seekToBeginning(int partition) {
        consumer.seekToBeginning(List.of(partitions.get(partition)));
    }

    @Override
    public void close() {
        consumer.close(REQUEST_TIMEOUT);
    }
}
