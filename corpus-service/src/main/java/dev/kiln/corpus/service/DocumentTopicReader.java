package dev.kiln.corpus.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentLimits;
import dev.kiln.corpus.engine.DocumentRejectedException;
import dev.kiln.corpus.engine.Receipt;
import dev.kiln.corpus.engine.Watermark;
import dev.kiln.proto.corpus.v1.Document;
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
import org.jboss.logging.Logger;

/**
 * The consume loop of the documents topic, one consumer of the group every corpus replica shares. An
 * offset is committed only when every document before it is done: dropped, or in a shard the broker
 * has committed (the shard transaction). A crash therefore loses nothing; the documents after the last commit come again
 * under the same names (topic/partition@offset), and the global dedup index drops the ones already
 * shipped and keeps the ones that were not. Before it gives partitions up it waits for their dedup
 * verdicts and ships what they kept, so the next owner never races it on the same record.
 */
final class DocumentTopicReader {

    private static final Logger LOG = Logger.getLogger(DocumentTopicReader.class);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final long DRAIN_SECONDS = 60;

    private final CorpusEngine engine;
    private final DocumentLimits limits;
    private final Properties properties;
    private final String topic;
    private final Map<TopicPartition, Watermark> watermarks = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final AtomicLong consumed = new AtomicLong();
    private final KafkaConsumer<String, byte[]> kafka;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile String failure;

    /**
     * @param clientProperties pass-through client settings (TLS, SASL ...); the delivery settings below win
     */
    DocumentTopicReader(
            CorpusEngine engine,
            DocumentLimits limits,
            String bootstrapServers,
            Map<String, String> clientProperties,
            String topic,
            String group) {
        this.engine = engine;
        this.limits = limits;
        this.topic = topic;
        this.properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 256);
        this.kafka = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "documents-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Documents read from the topic since start. */
    long consumed() {
        return consumed.get();
    }

    /** Partitions of the documents topic this consumer holds now. */
    int assigned() {
        return watermarks.size();
    }

    /** Why consuming stopped on its own, or null. */
    String failure() {
        return failure;
    }

    /** Stops consuming after shipping what is pending and committing its offsets. */
    void stop() {
        running = false;
        kafka.wakeup();
        join();
    }

    /**
     * Stops at once, committing nothing more, as a crash would: the documents after the last commit
     * are read again by whichever replica gets their partitions. Used to test exactly that.
     */
    void halt() {
        halted = true;
        stop();
    }

    private void join() {
        try {
            thread.join(90_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            kafka.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainAndCommit();
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
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
                if (System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos()) {
                    commit();
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave the poll.
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error(
                    "Consuming " + topic + " failed; documents after the last committed offsets will be read again", e);
        } finally {
            try {
                drainAndCommit();
            } catch (RuntimeException e) {
                LOG.warn("Final commit failed; uncommitted documents will be read again", e);
            }
            kafka.close(Duration.ofSeconds(10));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
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
                failure = "shipping " + tp + "@" + offset + " failed: " + cause;
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
            limits.check("record " + tp + "@" + offset, document.getContent().size());
        } catch (DocumentRejectedException e) {
            LOG.warnf("Skipping: %s", e.getMessage());
            receipt.done();
            return;
        }
        engine.ingest(DocumentMapping.toPipeline(document), tp.topic() + "/" + tp.partition() + "@" + offset, receipt);
    }

    /** Waits for the dedup verdicts, ships everything pending and commits what is then complete. */
    private void drainAndCommit() {
        if (halted) {
            return;
        }
        try {
            if (!engine.awaitDedupVerdicts(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Dedup verdicts still missing; their documents stay uncommitted");
            }
            engine.writer().seal();
            engine.writer().awaitShipped(DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Pending shards were not all acknowledged before the commit", e);
        }
        commit();
    }

    private void commit() {
        if (halted) {
            return;
        }
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
}
