package dev.kiln.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerTest {

    @Test
    void protobufPayloadsRoundTripThroughARealBroker(KafkaBroker broker) throws Exception {
        assertThat(broker.kind()).isIn(KafkaBroker.Kind.values());
        String topic = "kiln.test.roundtrip";
        broker.createTopic(topic, 3);

        List<Document> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(Document.newBuilder()
                    .setId("doc-" + i)
                    .setUrl("https://example.org/" + i)
                    .setContent(ByteString.copyFromUtf8("Ünïcode body " + i + " — with bytes"))
                    .setContentType("text/plain; charset=utf-8")
                    .putMetadata("source", "test")
                    .build());
        }
        Properties producerProps = broker.clientProperties();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            for (Document doc : sent) {
                producer.send(new ProducerRecord<>(topic, doc.getId(), doc.toByteArray()))
                        .get();
            }
        }

        Properties consumerProps = broker.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Document> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Document doc = Document.parseFrom(record.value());
                    assertThat(record.key()).isEqualTo(doc.getId());
                    received.add(doc);
                }
            }
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void shardsRoundTripByteForByte(KafkaBroker broker) throws Exception {
        String topic = "kiln.test.shards";
        broker.createTopic(topic, 1);
        byte[] packed = new byte[2 * 1000];
        for (int i = 0; i < 1000; i++) {
            packed[2 * i] = (byte) i;
            packed[2 * i + 1] = (byte) (i >>> 8);
        }
        TokenShard shard = TokenShard.newBuilder()
                .setShardId("test-0")
                .setEncoding("r50k_base")
                .setVocabSize(50257)
                .setTokenCount(1000)
                .setDocumentCount(1)
                .addDocumentStarts(0)
                .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                .setTokens(ByteString.copyFrom(packed))
                .setEosTokenId(50256)
                .build();

        Properties producerProps = broker.clientProperties();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, shard.getShardId(), shard.toByteArray()))
                    .get();
        }
        Properties consumerProps = broker.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "shard-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            TokenShard got = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    got = TokenShard.parseFrom(record.value());
                }
            }
            assertThat(got).isEqualTo(shard);
            assertThat(got.getTokens().toByteArray()).isEqualTo(packed);
        }
    }
}
