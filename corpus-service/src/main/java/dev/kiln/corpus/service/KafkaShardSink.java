package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Produces shards to the shards topic with an idempotent producer and acks=all: a shard counts as
 * shipped only once every in-sync replica has it, and retries never duplicate it.
 */
final class KafkaShardSink implements ShardWriter.ShardSink, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    KafkaShardSink(String bootstrapServers, String topic) {
        // TLS/SASL and any other client setting (kafka.*) first; Kiln's delivery settings below win.
        Properties props = new Properties();
        props.putAll(KafkaClientProperties.from(
                ConfigProvider.getConfig().getPropertyNames(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kiln-corpus-shards");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    @Override
    public CompletableFuture<Void> send(TokenShard shard) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, shard.getShardId(), shard.toByteArray()), (metadata, error) -> {
            if (error == null) {
                acked.complete(null);
            } else {
                acked.completeExceptionally(error);
            }
        });
        return acked;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
