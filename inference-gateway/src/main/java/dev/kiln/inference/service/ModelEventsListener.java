package dev.kiln.inference.service;

import dev.kiln.inference.model.BundleConfig;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.proto.PathOutsideRootsException;
import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.kafka.KafkaClientProperties;
import dev.kiln.proto.trainer.v1.ModelPublished;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Follows kiln.models. Every replica must see every event (a broadcast), so this consumer has
 * no group: it assigns itself all partitions of the topic (re-checking for new ones) and keeps
 * its position in memory. At start it can replay the topic; the latest event per model name wins.
 * Before loading, the bundle must lie under the model roots and its graph (model.onnx, or the
 * file BundleConfig finds: a merged decoder, onnx/model.onnx …) must hash to the
 * event's sha256.
 */
final class ModelEventsListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelEventsListener.class);

    private final String topic;
    private final boolean fromBeginning;
    private final GatewayWiring wiring;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    ModelEventsListener(String bootstrap, String topic, boolean fromBeginning, GatewayWiring wiring) {
        this.topic = topic;
        this.fromBeginning = fromBeginning;
        this.wiring = wiring;
        // TLS/SASL and any other client setting (kafka.*) first; the listener's own settings below win.
        Properties p = new Properties();
        p.putAll(KafkaClientProperties.from(
                ConfigProvider.getConfig().getPropertyNames(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kiln-inference-gateway-models");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "kiln-models-listener");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        List<TopicPartition> assigned = new ArrayList<>();
        long lastCheck = 0;
        try {
            while (running) {
                long now = System.currentTimeMillis();
                if (now - lastCheck > (assigned.isEmpty() ? 1000 : 30_000)) {
                    lastCheck = now;
                    List<TopicPartition> parts = partitions();
                    if (!parts.equals(assigned) && !parts.isEmpty()) {
                        List<TopicPartition> added = new ArrayList<>(parts);
                        added.removeAll(assigned);
                        consumer.assign(parts);
                        if (fromBeginning || !assigned.isEmpty()) {
                            consumer.seekToBeginning(added);
                        } else {
                            consumer.seekToEnd(added);
                        }
                        assigned = parts;
                        LOG.infof("following %s (%d partitions)", topic, parts.size());
                    }
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                Map<String, ModelPublished> latest = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        ModelPublished e = ModelPublished.parseFrom(r.value());
                        latest.put(e.getName(), e);
                    } catch (Exception e) {
                        LOG.warnf(
                                "skipping an unreadable record at %s-%d@%d: %s",
                                r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                latest.values().forEach(this::apply);
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "the %s listener stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> partitions() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            List<TopicPartition> out = new ArrayList<>();
            if (infos != null) {
                infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
            }
            out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            return out;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return List.of();
        }
    }

    /**
     * Loads (or replaces) the published model after checking its path and hash; logs and skips on
     * failure. Anyone who can write to the topic names a path, so it must lie under the model roots.
     */
    void apply(ModelPublished e) {
        String requested = e.getBundlePath();
        try {
            ResourceNames.require("name", e.getName());
            Path dir = wiring.modelRoots().resolve("bundle_path", requested);
            Path onnx = dir.resolve(BundleConfig.read(dir).modelFile()); // model.onnx or the merged decoder
            String sha = ModelRegistry.sha256(onnx);
            if (!sha.equalsIgnoreCase(e.getSha256())) {
                throw new IllegalArgumentException(
                        "sha256 mismatch for " + onnx + ": event says " + e.getSha256() + ", file is " + sha);
            }
            wiring.load(e.getName(), dir, true, null);
            LOG.infof(
                    "loaded %s from %s (run %s, step %d) on a kiln.models event",
                    e.getName(), dir, e.getRunId(), e.getStep());
        } catch (PathOutsideRootsException ex) {
            LOG.warnf("ignoring ModelPublished for %s: %s", e.getName(), ex.getMessage());
        } catch (RuntimeException | java.io.IOException ex) {
            LOG.errorf("ignoring ModelPublished for %s at %s: %s", e.getName(), requested, ex.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
