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
        byte[] key;
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
                    batch.key = entry.indexKey(0);
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

    /** A batch ready to leave: its partition and its Kafka key (its first key). */
    private record Outgoing(int partition, byte[] key, BandBatch batch) {}

    /** Removes the batch of {@code partition}; the caller holds the lock. */
    private Outgoing take(int partition) {
        Pending queued = pending.remove(partition);
        return new Outgoing(partition, queued.key, new BandBatch(replica, replyPartition, queued.entries));
    }

    /**
     * Hands a batch to the producer; the caller holds the lock, so batches reach a partition in the
     * order their entries were added (a document's shipped mark never overtakes its kept mark).
     */
    private void send(Outgoing out) {
        BandBatch value = out.batch();
        try {
            producer.send(
                    new ProducerRecord<>(topic, out.partition(), out.key(), value.encode()), (metadata, error) -> {
                        if (error != null) {
                            // Off the producer's I/O thread: the handler queues marks, which takes the lock
                            // a sender blocked on a full buffer may hold while it waits for that thread.
                            CompletableFuture.runAsync(() -> onFailure.accept(new Failed(value.entries(), error)));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf("Cannot hand a band batch to the producer: %s", e);
            onFailure.accept(new Failed(value.entries(), e));
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
