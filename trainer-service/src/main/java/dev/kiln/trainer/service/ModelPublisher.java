package dev.kiln.trainer.service;

import dev.kiln.proto.kafka.KafkaClientProperties;
import dev.kiln.proto.trainer.v1.ModelPublished;
import io.grpc.Status;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Announces exported bundles on the models topic (key: model name), waiting for the broker's ack. */
@ApplicationScoped
public class ModelPublisher {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    TrainerServiceConfig config;

    private KafkaProducer<String, byte[]> producer;

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            // TLS/SASL and any other client setting (kafka.*) first; Kiln's delivery settings below win.
            Properties props = new Properties();
            props.putAll(KafkaClientProperties.from(
                    ConfigProvider.getConfig().getPropertyNames(),
                    name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    public void publish(ModelPublished event) {
        try {
            producer()
                    .send(new ProducerRecord<>(config.modelsTopic(), event.getName(), event.toByteArray()))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw Status.UNAVAILABLE
                    .withDescription("the bundle is written, but announcing it on " + config.modelsTopic() + " failed: "
                            + e.getMessage() + "; the gateways can still LoadModel it by path")
                    .asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("interrupted while publishing")
                    .asRuntimeException();
        }
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
