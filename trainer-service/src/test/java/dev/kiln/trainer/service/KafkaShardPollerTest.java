package dev.kiln.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.KafkaBrokerExtension;
import dev.kiln.trainer.data.ShardLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The corpus service writes each shard in a Kafka transaction with its documents' shipped marks; a
 * replica that dies before the commit leaves an aborted shard whose documents its replay ships again.
 * The trainer must read committed shards only, and still find a partition drained once its last
 * commit marker is behind it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaShardPollerTest {

    @Test
    void readsOnlyCommittedShardsAndDrainsPastTheCommitMarkers(KafkaBroker broker) throws Exception {
        String topic = "kiln.test.trainer.transactions";
        broker.createTopic(topic, 1);
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kiln-test-shards");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int s = 0; s < 3; s++) {
                producer.beginTransaction();
                send(producer, topic, "committed-" + s);
                producer.commitTransaction();
                producer.beginTransaction();
                send(producer, topic, "aborted-" + s);
                producer.flush(); // on the broker, then aborted: a replica that died before its commit
                producer.abortTransaction();
            }
        }
        try (KafkaShardPoller poller = new KafkaShardPoller(broker.bootstrapServers(), topic, Duration.ofSeconds(30))) {
            List<String> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (poller.position(0) < poller.endOffsets().get(0)) {
                assertThat(System.nanoTime()).as("partition drained").isLessThan(deadline);
                for (ShardLog.Record record : poller.poll()) {
                    read.add(TokenShard.parseFrom(record.value()).getShardId());
                }
            }
            assertThat(read).containsExactly("committed-0", "committed-1", "committed-2");
            assertThat(poller.endOffsets().get(0))
                    .as("the end counts the aborted records and the markers: 3 x (shard, marker, shard, marker)")
                    .isEqualTo(12);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String shardId) {
        TokenShard shard = TokenShard.newBuilder().setShardId(shardId).build();
        producer.send(new ProducerRecord<>(topic, 0, shardId, shard.toByteArray()));
    }
}
