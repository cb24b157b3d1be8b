package dev.kiln.proto.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    @Test
    void passesEveryKafkaKeyThroughWithoutItsPrefix() {
        Map<String, String> config = Map.of(
                "kafka.bootstrap.servers", "broker:9093",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.ssl.truststore.location", "/etc/kafka/ca.p12",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "quarkus.http.port", "9102",
                "kiln.corpus.kafka-topic", "x");
        assertThat(KafkaClientProperties.from(config.keySet(), name -> Optional.ofNullable(config.get(name))))
                .containsOnly(
                        Map.entry("bootstrap.servers", "broker:9093"),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("ssl.truststore.location", "/etc/kafka/ca.p12"),
                        Map.entry(
                                "sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required;"));
    }

    @Test
    void environmentNamesMapToTheDottedClientKeys() {
        // The configuration resolves kafka.ssl.keystore.type from KAFKA_SSL_KEYSTORE_TYPE.
        Map<String, String> resolved = Map.of("kafka.ssl.keystore.type", "PEM");
        assertThat(KafkaClientProperties.from(
                        List.of("KAFKA_SSL_KEYSTORE_TYPE", "PATH"), name -> Optional.ofNullable(resolved.get(name))))
                .containsOnly(Map.entry("ssl.keystore.type", "PEM"));
    }
}
