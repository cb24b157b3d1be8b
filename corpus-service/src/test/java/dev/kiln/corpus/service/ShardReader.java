package dev.kiln.corpus.service;

import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every shard of a topic back, checking each CRC, until a condition on the tokens holds. */
final class ShardReader {

    private ShardReader() {}

    static List<TokenShard> readUntil(String topic, Predicate<List<TokenShard>> enough, Duration timeout)
            throws Exception {
        Properties props = KafkaBroker.shared().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "shard-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // As the trainer reads: only shards of committed transactions.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<TokenShard> shards = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean grew = true;
            while (!(grew && enough.test(shards)) && System.nanoTime() < deadline) {
                grew = false;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    TokenShard shard = TokenShard.parseFrom(record.value());
                    TokenShards.unpack(shard);
                    shards.add(shard);
                    grew = true;
                }
            }
        }
        return shards;
    }

    /** All ids of the shards, ordered by shard sequence within each producer. */
    static int[] tokens(List<TokenShard> shards) {
        List<TokenShard> sorted = new ArrayList<>(shards);
        sorted.sort((a, b) -> {
            String pa = a.getShardId().substring(0, a.getShardId().lastIndexOf('-'));
            String pb = b.getShardId().substring(0, b.getShardId().lastIndexOf('-'));
            int c = pa.compareTo(pb);
            return c != 0 ? c : Long.compare(sequence(a), sequence(b));
        });
        int total = sorted.stream().mapToInt(TokenShard::getTokenCount).sum();
        int[] out = new int[total];
        int at = 0;
        for (TokenShard shard : sorted) {
            int[] ids = TokenShards.unpack(shard);
            System.arraycopy(ids, 0, out, at, ids.length);
            at += ids.length;
        }
        return out;
    }

    private static long sequence(TokenShard shard) {
        return Long.parseLong(shard.getShardId().substring(shard.getShardId().lastIndexOf('-') + 1));
    }
}
