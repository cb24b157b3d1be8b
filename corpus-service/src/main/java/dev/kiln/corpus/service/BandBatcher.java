package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandBatch;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Sends one replica's requests to the band topic in batches: each document's keys are split by the
 * partition each key hashes to (Kafka's default partitioner on the key's 9 bytes, so a key lives
 * where a record keyed by it alone would), and the entries of every document bound for one partition
 * within {@code linger} (or until {@code maxBatchBytes}) leave as one record. That record is keyed by
 * its first key and sent to that key's partition explicitly, so every key it carries is decided by
 * the stream task that owns the key.
 */
final class BandBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BandBatcher.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String replica;
    private final int replyPartition;
    private final int partitions;
    private final int maxBatchBytes;
    private final Consumer<Failed> onFailure;
    private final ScheduledExecutorService flusher;
    private final Map<Integer, Pending> pending = new HashMap<>();

    /** Entries of a batch that could not be written, and why. */
    record Failed(List<Entry> entries, Exception error) {}

    private static final class Pending {
        final List<Entry> entries = new ArrayList<>();
        int bytes;
    }

    BandBatcher(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            String replica,
            int replyPartition,
            Duration linger,
            int maxBatchBytes,
            Consumer<Failed> onFailure) {
        this.producer = producer;
        this.topic = topic;
        this.replica = replica;
        this.replyPartition = replyPartition;
        this.partitions = producer.partitionsFor(topic).size();
        this.maxBatchBytes = maxBatchBytes;
        this.onFailure = onFailure;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dedup-band-batcher");
            t.setDaemon(true);
            return t;
        });
        long lingerMicros = Math.max(1, linger.toNanos() / 1000);
        flusher.scheduleWithFixedDelay(this::flush, lingerMicros, lingerMicros, TimeUnit.MICROSECONDS);
    }

    /** The band partition of {@code indexKey}: what Kafka's default partitioner picks for that key. */
    static int partitionOf(byte[] indexKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(indexKey)) % partitions;
    }

    /** Queues {@code type} for every key of {@code keys}, one entry per partition they fall on. */
    void add(Type type, long requestId, long orderMillis, DedupKeys keys) {
        Map<Integer, Entry> entries = entries(type, requestId, orderMillis, keys, partitions);
        synchronized (pending) {
            entries.forEach((partition, entry) -> {
                Pending batch = pending.computeIfAbsent(partition, p -> new Pending());
                if (batch.entries.isEmpty()) {
                    batch.bytes = BandBatch.headerSize(replica);
                }
                batch.entries.add(entry);
                batch.bytes += BandBatch.sizeOf(entry);
                if (batch.bytes >= maxBatchBytes) {
                    send(take(partition));
                }
            });
        }
    }

    /** {@code type} for every key of {@code keys} as one entry per band partition the keys fall on. */
    static Map<Integer, Entry> entries(Type type, long requestId, long orderMillis, DedupKeys keys, int partitions) {
        Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (int i = 0; i < keys.keys().length; i++) {
            byPartition
                    .computeIfAbsent(partitionOf(keys.indexKey(i), partitions), p -> new ArrayList<>())
                    .add(i);
        }
        Map<Integer, Entry> entries = new HashMap<>();
        byPartition.forEach((partition, positions) -> {
            int[] indexes = positions.stream().mapToInt(Integer::intValue).toArray();
            long[] values = new long[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                values[i] = keys.keys()[indexes[i]];
            }
            entries.put(
                    partition, new Entry(type, requestId, orderMillis, keys.document(), keys.kind(), indexes, values));
        });
        return entries;
    }

    /**
     * {@code type} for every key of every one of {@code documents}, at once rather than lingering: per
     * band partition, records of at most {@code maxBatchBytes} (a record keyed by its first key, sent to
     * that partition explicitly, as {@link #add} batches them). Marks that need no answer (the reply
     * partition is never read): the shard sink's shipped marks, written in the shard's transaction.
     */
    static List<ProducerRecord<byte[], byte[]>> records(
            String topic, String replica, int partitions, int maxBatchBytes, Type type, List<DedupKeys> documents) {
        Map<Integer, List<Entry>> byPartition = new TreeMap<>();
        for (DedupKeys keys : documents) {
            entries(type, 0, 0, keys, partitions)
                    .forEach((partition, entry) -> byPartition
                            .computeIfAbsent(partition, p -> new ArrayList<>())
                            .add(entry));
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        byPartition.forEach((partition, entries) -> {
            List<Entry> batch = new ArrayList<>();
            int bytes = BandBatch.headerSize(replica);
            for (Entry entry : entries) {
                if (!batch.isEmpty() && bytes + BandBatch.sizeOf(entry) > maxBatchBytes) {
                    records.add(record(topic, partition, replica, 0, batch));
                    batch = new ArrayList<>();
                    bytes = BandBatch.headerSize(replica);
                }
                batch.add(entry);
                bytes += BandBatch.sizeOf(entry);
            }
            records.add(record(topic, partition, replica, 0, batch));
        });
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, String replica, int replyPartition, List<Entry> entries) {
        return new ProducerRecord<>(
                topic, partition, entries.get(0).indexKey(0), new BandBatch(replica, replyPartition, entries).encode());
    }

    /** Sends every batch queued so far. */
    void flush() {
        synchronized (pending) {
            for (Integer partition : List.copyOf(pending.keySet())) {
                if (pending.containsKey(partition)) { // a failure handler may have sent it meanwhile
                    send(take(partition));
                }
            }
        }
    }

    /** A batch ready to leave: its record, and its entries for the failure handler. */
    private record Outgoing(ProducerRecord<byte[], byte[]> record, List<Entry> entries) {}

    /** Removes the batch of {@code partition}; the caller holds the lock. */
    private Outgoing take(int partition) {
        List<Entry> entries = pending.remove(partition).entries;
        return new Outgoing(record(topic, partition, replica, replyPartition, entries), entries);
    }

    /**
     * Hands a batch to the producer; the caller holds the lock, so batches reach a partition in the
     * order their entries were added.
     */
    private void send(Outgoing out) {
        try {
            producer.send(out.record(), (metadata, error) -> {
                if (error != null) {
                    // Off the producer's I/O thread: the handler queues marks, which takes the lock
                    // a sender blocked on a full buffer may hold while it waits for that thread.
                    CompletableFuture.runAsync(() -> onFailure.accept(new Failed(out.entries(), error)));
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("Cannot hand a band batch to the producer: %s", e);
            onFailure.accept(new Failed(out.entries(), e));
        }
    }

    /** Sends what is queued and stops the timer; the producer is the caller's to close. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
