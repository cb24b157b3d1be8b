package dev.kiln.corpus.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentRejectedException;
import dev.kiln.corpus.engine.Receipt;
import dev.kiln.corpus.engine.Watermark;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.kafka.KafkaClientProperties;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumes the documents topic as one consumer group shared by every corpus replica. An offset is
 * committed only when every document before it is done: dropped, or in a shard the broker has
 * acknowledged. A crash therefore loses nothing; the documents after the last commit come again,
 * and exact dedup drops the ones already shipped.
 */
@ApplicationScoped
public class DocumentConsumer {

    private static final Logger LOG = Logger.getLogger(DocumentConsumer.class);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);

    @Inject
    CorpusWiring wiring;

    @Inject
    CorpusStatusMapper errors;

    @Inject
    CorpusServiceConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final Map<TopicPartition, Watermark> watermarks = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final AtomicLong consumed = new AtomicLong();
    private volatile boolean running;
    private volatile String failure;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        if (config.topics().consumeDocuments()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failure = null;
        thread = new Thread(this::run, "documents-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops consuming after shipping what is pending and committing its offsets. */
    public void stop() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Documents read from the topic since start. */
    public long consumed() {
        return consumed.get();
    }

    /** Why consuming stopped on its own, or null. */
    public String failure() {
        return failure;
    }

    private void run() {
        CorpusEngine engine = awaitEngine();
        if (engine == null) {
            return;
        }
        // TLS/SASL and any other client setting (kafka.*) first; Kiln's delivery settings below win.
        Properties props = new Properties();
        props.putAll(KafkaClientProperties.from(
                ConfigProvider.getConfig().getPropertyNames(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.topics().consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 256);
        KafkaConsumer<String, byte[]> kafka =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        synchronized (this) {
            consumer = kafka;
        }
        try {
            kafka.subscribe(List.of(config.topics().documents()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainAndCommit(engine, kafka);
                    partitions.forEach(watermarks::remove);
                    partitions.forEach(committed::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) {
                        long position = kafka.position(tp);
                        watermarks.put(tp, new Watermark(position));
                        committed.put(tp, position);
                    }
                }
            });
            long lastCommit = System.nanoTime();
            while (running && failure == null) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                    handle(engine, record);
                }
                if (System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos()) {
                    commit(kafka);
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave the poll.
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error(
                    "Consuming " + config.topics().documents() + " failed; documents after the last "
                            + "committed offsets will be read again on restart",
                    e);
        } finally {
            try {
                drainAndCommit(engine, kafka);
            } catch (RuntimeException e) {
                LOG.warn("Final commit failed; uncommitted documents will be read again", e);
            }
            kafka.close(Duration.ofSeconds(10));
        }
    }

    private void handle(CorpusEngine engine, ConsumerRecord<String, byte[]> record) {
        consumed.incrementAndGet();
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Watermark watermark = watermarks.get(tp);
        long offset = record.offset();
        watermark.started(offset);
        Receipt receipt = new Receipt() {
            @Override
            public void done() {
                watermark.done(offset);
            }

            @Override
            public void failed(Throwable cause) {
                failure = "shipping the shard of " + tp + "@" + offset + " failed: " + cause;
            }
        };
        Document document;
        try {
            document = Document.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("Skipping %s@%d: not a kiln.corpus.v1.Document", tp, offset);
            receipt.done();
            return;
        }
        try {
            wiring.documentLimits()
                    .check("record " + tp + "@" + offset, document.getContent().size());
        } catch (DocumentRejectedException e) {
            LOG.warnf("Skipping: %s", e.getMessage());
            receipt.done();
            return;
        }
        engine.ingest(DocumentMapping.toPipeline(document), receipt);
    }

    /** Ships everything pending and commits what is then complete. */
    private void drainAndCommit(CorpusEngine engine, KafkaConsumer<String, byte[]> kafka) {
        try {
            engine.writer().seal();
            engine.writer().awaitShipped(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Pending shards were not all acknowledged before the commit", e);
        }
        commit(kafka);
    }

    private void commit(KafkaConsumer<String, byte[]> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        watermarks.forEach((tp, watermark) -> {
            long complete = watermark.completeBelow();
            if (complete > committed.getOrDefault(tp, -1L)) {
                offsets.put(tp, new OffsetAndMetadata(complete));
            }
        });
        if (!offsets.isEmpty()) {
            kafka.commitSync(offsets);
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        }
    }

    /** The engine, once it can be built; null when stopped first or when building it failed for good. */
    private CorpusEngine awaitEngine() {
        while (running) {
            try {
                return wiring.engine();
            } catch (RuntimeException e) {
                // The same judgement as the RPCs': a dependency that is down is waited for, anything else is fatal.
                Status status = errors.toStatus(e);
                if (status.getCode() != Status.Code.UNAVAILABLE) {
                    failure = status.getCode() + ": " + status.getDescription();
                    LOG.error(
                            "Cannot build the corpus engine; not consuming "
                                    + config.topics().documents(),
                            e);
                    return null;
                }
                LOG.infof("Waiting for the tokenizer service before consuming documents: %s", status.getDescription());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }
}
