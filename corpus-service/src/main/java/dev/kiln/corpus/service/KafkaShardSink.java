package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.proto.corpus.v1.TokenShard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * Produces shards to the shards topic in Kafka transactions: one shard (or the shards of one
 * document longer than a shard) together with the shipped marks of the documents that end in it, sent
 * to the band topic as {@link Type#SHIPPED} entries. Both commit, or neither: a replica that dies
 * before the commit leaves an aborted transaction (no shard for read_committed readers, no mark for
 * the dedup stream tasks), so the replay ships those documents once; one that dies after it leaves
 * the marks, so the replay drops them as shipped. acks=all and idempotence come with transactions.
 *
 * <p>Transactions are serial (one producer, one open transaction), so they run on one thread of
 * their own and the shard writer never waits for a commit; the shards queued while one commits go
 * out together in the next. The transactional id is stable per
 * replica ({@code kiln.corpus.replica-id}): a restarted replica's {@code initTransactions} fences its
 * dead instance and aborts what it left open at once, instead of read_committed readers stalling at
 * that transaction until {@code kiln.corpus.shard-transaction-timeout}.
 */
final class KafkaShardSink implements ShardWriter.ShardSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaShardSink.class);

    /** Shards in one transaction at most (each under 1 MiB). */
    private static final int MAX_SHARDS_PER_TRANSACTION = 16;

    /** The band records of one transaction stay well under the broker's 1 MiB message limit. */
    private static final int MAX_MARK_BATCH_BYTES = 512 * 1024;

    /**
     * @param clientProperties pass-through {@code kafka.*} settings; the delivery settings win
     * @param bandsTopic the global dedup index's band topic; empty when the pipeline has no dedup step
     */
    record Settings(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String shardsTopic,
            String transactionalId,
            Duration transactionTimeout,
            Optional<String> bandsTopic) {}

    private final Settings settings;
    private final Producer<byte[], byte[]> producer;
    private final int bandPartitions;
    private final ExecutorService shipper;
    private final ConcurrentLinkedQueue<Queued> queued = new ConcurrentLinkedQueue<>();
    /** Shards of the open transaction: those queued together, and all of a document longer than a shard. */
    private final List<CompletableFuture<Void>> open = new ArrayList<>();

    private volatile KafkaException fatal;

    KafkaShardSink(Settings settings) {
        this(settings, KafkaShardSink::kafkaProducer);
    }

    static Producer<byte[], byte[]> kafkaProducer(Properties props) {
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** @param producers makes the transactional producer from its properties (the crash tests wrap it) */
    KafkaShardSink(Settings settings, Function<Properties, Producer<byte[], byte[]>> producers) {
        this.settings = settings;
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)
                settings.transactionTimeout().toMillis());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kiln-corpus-shards-" + settings.transactionalId());
        this.producer = producers.apply(props);
        try {
            this.bandPartitions = settings.bandsTopic()
                    .map(topic -> producer.partitionsFor(topic).size())
                    .orElse(0);
            // Fences an earlier instance under this id and aborts its open transaction.
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        this.shipper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shard-shipper");
            t.setDaemon(true);
            return t;
        });
        LOG.infof(
                "Shards to %s in transactions of transactional id %s (kiln.corpus.replica-id)",
                settings.shardsTopic(), settings.transactionalId());
    }

    @Override
    public CompletableFuture<Void> send(TokenShard shard, boolean continued, List<DedupKeys> shippedMarks) {
        CompletableFuture<Void> committed = new CompletableFuture<>();
        queued.add(new Queued(shard, continued, shippedMarks, committed));
        try {
            shipper.execute(this::shipQueued);
        } catch (RejectedExecutionException e) {
            committed.completeExceptionally(new IllegalStateException("the shard producer is closed", e));
        }
        return committed;
    }

    /** A shard handed over and not yet in a transaction. */
    private record Queued(
            TokenShard shard, boolean continued, List<DedupKeys> shippedMarks, CompletableFuture<Void> committed) {}

    /**
     * Ships every shard queued by now in one transaction (group commit: under load, when commits are
     * slower than shards are sealed, several share one instead of queueing behind each other).
     */
    private void shipQueued() {
        List<Queued> group = new ArrayList<>();
        for (Queued next; group.size() < MAX_SHARDS_PER_TRANSACTION && (next = queued.poll()) != null; ) {
            group.add(next);
        }
        if (group.isEmpty()) {
            return; // shipped by an earlier call
        }
        if (fatal != null) {
            group.forEach(q -> q.committed().completeExceptionally(fatal));
            return;
        }
        try {
            if (open.isEmpty()) {
                producer.beginTransaction();
            }
            List<DedupKeys> marks = new ArrayList<>();
            for (Queued q : group) {
                open.add(q.committed());
                producer.send(new ProducerRecord<>(
                        settings.shardsTopic(),
                        q.shard().getShardId().getBytes(StandardCharsets.UTF_8),
                        q.shard().toByteArray()));
                marks.addAll(q.shippedMarks());
            }
            // The marks last: from its first record until the commit, an open transaction holds back every
            // read_committed reader of that band partition (all replicas' claims there), so keep it short.
            for (ProducerRecord<byte[], byte[]> mark : markRecords(marks)) {
                producer.send(mark);
            }
            if (group.get(group.size() - 1).continued()) {
                return; // its document goes on in the next shard, which commits with it
            }
            // Throws when any send of the transaction failed; nothing of it is then visible.
            producer.commitTransaction();
            open.forEach(f -> f.complete(null));
            open.clear();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            fatal = e;
            LOG.errorf(
                    "The shard producer cannot go on (%s); its shards are aborted and this replica ships nothing"
                            + " more. A fenced producer means another live replica uses transactional id %s:"
                            + " give every replica its own kiln.corpus.replica-id",
                    e, settings.transactionalId());
            failOpen(e);
        } catch (RuntimeException e) {
            LOG.warnf("A shard transaction failed and is aborted; its documents are not done: %s", e);
            try {
                producer.abortTransaction();
            } catch (RuntimeException abort) {
                fatal = abort instanceof KafkaException k ? k : new KafkaException(abort);
                LOG.errorf("Aborting the shard transaction failed too; this replica ships nothing more: %s", abort);
            }
            failOpen(e);
        }
    }

    private void failOpen(Exception e) {
        open.forEach(f -> f.completeExceptionally(e));
        open.clear();
    }

    /** The shipped marks as band records, batched per band partition as the index's own requests are. */
    private List<ProducerRecord<byte[], byte[]>> markRecords(List<DedupKeys> marks) {
        if (marks.isEmpty()) {
            return List.of();
        }
        String bands = settings.bandsTopic()
                .orElseThrow(() -> new IllegalStateException("shipped marks without a dedup index"));
        return BandBatcher.records(
                bands, settings.transactionalId(), bandPartitions, MAX_MARK_BATCH_BYTES, Type.SHIPPED, marks);
    }

    /** Finishes the transactions handed over so far, then closes the producer. */
    @Override
    public void close() {
        shipper.shutdown();
        try {
            if (!shipper.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Shard transactions still running after 30 s; closing the producer under them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
