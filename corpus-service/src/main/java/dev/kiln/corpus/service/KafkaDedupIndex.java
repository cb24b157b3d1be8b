package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.dedup.DedupIndexUnavailableException;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.KeyAnswer;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.VerdictBatch;
import dev.kiln.corpus.pipeline.dedup.GlobalDedupIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

/**
 * The global dedup index on Kafka Streams, as one replica sees it: it runs this replica's share of the
 * {@link DedupTopology} (the application id is the same on every replica, so the band partitions and
 * their stores are spread over all of them and move to the survivors when one dies), sends each
 * document's keys to the band topic, and joins the answers back per document from its own partition of
 * the verdict topic (read_committed: only answers of committed stream transactions count).
 */
final class KafkaDedupIndex implements GlobalDedupIndex, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaDedupIndex.class);

    /** Everything the index needs; {@code clientProperties} are the pass-through {@code kafka.*} settings. */
    record Settings(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String applicationId,
            String bandsTopic,
            String verdictsTopic,
            int partitions,
            short replicationFactor,
            Duration verdictTimeout,
            Duration sessionTimeout,
            Path stateDir,
            Tuning tuning) {}

    /**
     * Throughput settings: how often the stream tasks commit (each commit is a transaction; an answer
     * is visible to its replica only after it, so this is also the least round trip of a claim), how
     * long a replica gathers requests into one band record per partition, and how large that record
     * may grow.
     */
    record Tuning(Duration commitInterval, Duration batchLinger, int batchBytes) {
        Tuning {
            if (commitInterval.toMillis() < 1 || commitInterval.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "kiln.corpus.dedup.commit-interval must be at least 1ms, not " + commitInterval);
            }
            if (batchLinger.toNanos() < 1000) {
                throw new IllegalArgumentException(
                        "kiln.corpus.dedup.batch-linger must be at least 1 microsecond, not " + batchLinger);
            }
            if (batchBytes < 1024 || batchBytes > 900 * 1024) {
                throw new IllegalArgumentException("kiln.corpus.dedup.batch-bytes must be between 1024 and 921600"
                        + " (under the broker's 1 MiB message limit), not " + batchBytes);
            }
        }

        static final Tuning DEFAULTS = new Tuning(Duration.ofMillis(100), Duration.ofMillis(5), 64 * 1024);
    }

    private final Settings settings;
    private final String replica = UUID.randomUUID().toString();
    private final int replyPartition;
    private final AtomicLong requests = new AtomicLong(1);
    private final Map<Long, Answer> answers = new ConcurrentHashMap<>();
    private final KafkaStreams streams;
    private final KafkaProducer<byte[], byte[]> producer;
    private final BandBatcher bands;
    private final KafkaConsumer<byte[], byte[]> verdicts;
    private final Thread reader;
    private volatile boolean running = true;

    /** The answers of one document's keys so far; {@code keys} null for a probe (nothing to resolve). */
    private static final class Answer {
        final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        final DedupKeys keys;
        int remaining;
        int duplicateKey = -1;
        String holder;

        Answer(DedupKeys keys, int remaining) {
            this.keys = keys;
            this.remaining = remaining;
        }
    }

    KafkaDedupIndex(Settings settings) {
        this.settings = settings;
        this.replyPartition = Math.floorMod(replica.hashCode(), settings.partitions());
        createTopics();
        streams = new KafkaStreams(
                DedupTopology.build(settings.bandsTopic(), settings.verdictsTopic()), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("A dedup stream thread failed; replacing it (its tasks resume from their changelogs)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        // The batcher fetches the band topic's partitions now rather than inside the first verdict timeout.
        bands = new BandBatcher(
                producer,
                settings.bandsTopic(),
                replica,
                replyPartition,
                settings.tuning().batchLinger(),
                settings.tuning().batchBytes(),
                this::failed);
        verdicts = new KafkaConsumer<>(verdictProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition mine = new TopicPartition(settings.verdictsTopic(), replyPartition);
        verdicts.assign(List.of(mine));
        verdicts.seekToEnd(List.of(mine));
        verdicts.position(mine); // resolve now: no answer to a request sent after this may be skipped
        streams.start();
        reader = new Thread(this::readVerdicts, "dedup-verdicts");
        reader.setDaemon(true);
        reader.start();
        LOG.infof(
                "Global dedup: application %s, bands %s, verdicts %s (partition %d), state in %s",
                settings.applicationId(),
                settings.bandsTopic(),
                settings.verdictsTopic(),
                replyPartition,
                settings.stateDir());
    }

    @Override
    public CompletableFuture<Verdict> claim(DedupKeys keys) {
        return ask(Type.CLAIM, keys);
    }

    @Override
    public CompletableFuture<Verdict> probe(DedupKeys keys) {
        return ask(Type.PROBE, keys);
    }

    /** Sends a mark that needs no answer (the document's verdict) to every key of it. */
    private void mark(Type type, DedupKeys keys) {
        bands.add(type, 0, 0, keys);
    }

    private CompletableFuture<Verdict> ask(Type type, DedupKeys keys) {
        long id = requests.getAndIncrement();
        Answer answer = new Answer(type == Type.CLAIM ? keys : null, keys.keys().length);
        answers.put(id, answer);
        bands.add(type, id, System.currentTimeMillis(), keys);
        long timeout = settings.verdictTimeout().toMillis();
        return answer.verdict
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    answers.remove(id);
                    if (e != null && answer.keys != null) {
                        // Give up its holds and its waits, or claims behind them would wait forever.
                        mark(Type.DROPPED, answer.keys);
                    }
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof DedupIndexUnavailableException
                                ? e
                                : new DedupIndexUnavailableException(
                                        "no dedup verdict within " + timeout
                                                + " ms (kiln.corpus.dedup.verdict-timeout);"
                                                + " are the broker and the dedup stream tasks up? streams state "
                                                + streams.state(),
                                        e)));
    }

    /** A batch was not written: its documents fail now rather than at their timeout. */
    private void failed(BandBatcher.Failed failed) {
        for (Entry entry : failed.entries()) {
            if (entry.requestId() == 0) {
                LOG.warnf(
                        "A %s mark was not written (%s); claims waiting on %s wait for its replay",
                        entry.type(), failed.error(), entry.document());
                continue;
            }
            Answer answer = answers.remove(entry.requestId());
            if (answer != null) {
                answer.verdict.completeExceptionally(new DedupIndexUnavailableException(
                        "cannot write to " + settings.bandsTopic() + ": " + failed.error(), failed.error()));
            }
        }
    }

    private void readVerdicts() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : verdicts.poll(Duration.ofMillis(200))) {
                    VerdictBatch batch = VerdictBatch.decode(record.value());
                    if (batch.replica().equals(replica)) {
                        batch.answers().forEach(this::accept);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to leave the poll.
        } catch (RuntimeException e) {
            LOG.error("Reading dedup verdicts failed; waiting documents will time out", e);
        } finally {
            verdicts.close(Duration.ofSeconds(5));
        }
    }

    private void accept(KeyAnswer verdict) {
        Answer answer = answers.get(verdict.requestId());
        if (answer == null) {
            return; // timed out already
        }
        Verdict done = null;
        synchronized (answer) {
            if (!verdict.first() && (answer.duplicateKey < 0 || verdict.index() < answer.duplicateKey)) {
                answer.duplicateKey = verdict.index();
                answer.holder = verdict.holder();
            }
            if (--answer.remaining == 0) {
                done = answer.duplicateKey < 0 ? Verdict.FIRST : new Verdict(answer.duplicateKey, answer.holder);
            }
        }
        if (done != null) {
            if (answer.keys != null) {
                // Before the engine hears of it, so its holds are resolved even if it fails later on.
                mark(done.duplicate() ? Type.DROPPED : Type.KEPT, answer.keys);
            }
            answer.verdict.complete(done);
        }
    }

    @Override
    public long documents() {
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> claims = streams.store(
                    StoreQueryParameters.fromNameAndType(DedupTopology.CLAIMS, QueryableStoreTypes.keyValueStore()));
            long count = 0;
            try (KeyValueIterator<Bytes, byte[]> it =
                    claims.prefixScan(new byte[] {DedupKeys.Kind.EXACT.tag()}, new ByteArraySerializer())) {
                while (it.hasNext()) {
                    it.next();
                    count++;
                }
            }
            return count;
        } catch (InvalidStateStoreException e) {
            return 0; // rebalancing or restoring: the stores are not queryable right now
        }
    }

    /** The stream tasks' state (RUNNING once this replica took its share of the band partitions). */
    KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        running = false;
        verdicts.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bands.close();
        producer.close(Duration.ofSeconds(10));
        // Leaving the group hands this replica's band partitions to the others at once.
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
    }

    private void createTopics() {
        try (Admin admin = Admin.create(clientProperties())) {
            for (String topic : List.of(settings.bandsTopic(), settings.verdictsTopic())) {
                try {
                    Optional<Short> replication = settings.replicationFactor() > 0
                            ? Optional.of(settings.replicationFactor())
                            : Optional.empty();
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(settings.partitions()), replication)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new DedupIndexUnavailableException(
                                "cannot create topic " + topic + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DedupIndexUnavailableException(
                    "the broker at " + settings.bootstrapServers() + " did not answer within 30s", e);
        }
    }

    /** The pass-through settings (TLS, SASL ...) and the broker: what every client of the index shares. */
    private Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return props;
    }

    private Properties streamsProperties() {
        Properties props = clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        // A claim, its store update and its answer commit together or not at all; on one broker this
        // needs transaction.state.log.replication.factor=1 and min.isr=1 (deploy/local sets both).
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int)
                settings.tuning().commitInterval().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int)
                settings.sessionTimeout().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int)
                Math.max(1000, settings.sessionTimeout().toMillis() / 4));
        return props;
    }

    private Properties producerProperties() {
        Properties props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kiln-corpus-dedup-bands-" + replica);
        return props;
    }

    private Properties verdictProperties() {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kiln-corpus-dedup-verdicts-" + replica);
        return props;
    }
}
