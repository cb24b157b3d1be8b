package dev.kiln.corpus.service;

import com.google.protobuf.ByteString;
import dev.kiln.corpus.engine.BatchTokenizer;
import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentLimits;
import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One corpus replica in process, wired as {@link CorpusWiring} wires the service: the engine with
 * global dedup steps, this replica's share of the dedup stream tasks, the shard producer and the
 * documents consumer of the shared group. Tokenizes with tokenizer-core, the library the tokenizer
 * service serves.
 */
final class DedupReplica implements AutoCloseable {

    static final List<String> STEPS = List.of(Pipelines.HTML_EXTRACT, Pipelines.EXACT_DEDUP, Pipelines.MINHASH_DEDUP);
    static final Encoding R50K = EncodingRegistry.getDefault().get("r50k_base");
    static final int EOS = 50256;

    private static final BatchTokenizer TOKENIZER = new BatchTokenizer() {
        @Override
        public EncodingSpec encoding() {
            return new EncodingSpec("r50k_base", R50K.vocabularySize(), EOS);
        }

        @Override
        public List<int[]> tokenize(List<String> texts) {
            return texts.stream().map(R50K::encodeOrdinary).toList();
        }
    };

    /** Tokens per shard: Europarl documents of 800+ characters are a few to a shard. */
    static final int SHARD_TOKENS = 4096;

    /** Partitions of the documents topic (and of the dedup topics) in the replica tests and the benchmark. */
    static final int PARTITIONS = 6;

    /** Topic names and the stream application of one test. */
    record Topics(String documents, String shards, String group, String applicationId, String bands, String verdicts) {

        /** Fresh names under {@code prefix} (one run must not see another's documents or stores); creates the topics. */
        static Topics create(String prefix) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            Topics topics = new Topics(
                    prefix + run + ".documents",
                    prefix + run + ".shards",
                    "kiln-corpus-" + run,
                    "kiln-corpus-dedup-" + run,
                    prefix + run + ".bands",
                    prefix + run + ".verdicts");
            KafkaBroker.shared().createTopic(topics.documents(), PARTITIONS);
            KafkaBroker.shared().createTopic(topics.shards(), 1);
            return topics;
        }

        /** A global dedup index over these topics, the settings every replica of a test shares. */
        KafkaDedupIndex index(Path stateDir) {
            return new KafkaDedupIndex(new KafkaDedupIndex.Settings(
                    KafkaBroker.shared().bootstrapServers(),
                    Map.of(),
                    applicationId,
                    bands,
                    verdicts,
                    PARTITIONS,
                    (short) 1,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(6),
                    stateDir,
                    KafkaDedupIndex.Tuning.DEFAULTS));
        }

        /**
         * Sends each text as a plain-text document {@code doc-<i>} to the documents topic, on partition
         * {@code partitionOf(i)} (null: the key's), and waits until the broker has every one (a refused
         * document would make a run look faster or a test pass for nothing).
         */
        void send(List<String> texts, IntFunction<Integer> partitionOf) throws Exception {
            // Not idempotent: under load the in-process broker refused an idempotent producer's sequence numbers
            // (OUT_OF_ORDER_SEQUENCE_NUMBER) until its batches expired; one request in flight keeps the order.
            Properties props = KafkaBroker.shared().clientProperties();
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            List<Future<?>> sent = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < texts.size(); i++) {
                    Document doc = Document.newBuilder()
                            .setId("doc-" + i)
                            .setContentType("text/plain; charset=utf-8")
                            .setContent(ByteString.copyFrom(texts.get(i), StandardCharsets.UTF_8))
                            .build();
                    sent.add(producer.send(
                            new ProducerRecord<>(documents, partitionOf.apply(i), doc.getId(), doc.toByteArray())));
                }
            }
            for (Future<?> send : sent) {
                send.get();
            }
        }

        /** The shard producer of replica {@code name}: its transactional id is stable across its restarts. */
        KafkaShardSink sink(String name) {
            return sink(name, KafkaShardSink::kafkaProducer);
        }

        /** As {@link #sink(String)}, with the producer made by {@code producers} (a crash test's wraps the real one). */
        KafkaShardSink sink(String name, Function<Properties, Producer<byte[], byte[]>> producers) {
            return new KafkaShardSink(
                    new KafkaShardSink.Settings(
                            KafkaBroker.shared().bootstrapServers(),
                            Map.of(),
                            shards,
                            applicationId + "-shards-" + name,
                            Duration.ofSeconds(10),
                            Optional.of(bands)),
                    producers);
        }

        /** Whether the replicas' group committed every partition of the documents topic up to its end. */
        boolean allCommitted() throws Exception {
            try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
                return allCommitted(admin);
            }
        }

        /** As {@link #allCommitted()} through {@code admin}: a poll loop reuses one (a client's start-up costs CPU). */
        boolean allCommitted(Admin admin) throws Exception {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(documents, p), OffsetSpec.latest());
            }
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                if (at == null || at.offset() < end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        }
    }

    final KafkaDedupIndex index;
    final CorpusEngine engine;
    final KafkaShardSink sink;
    private final DocumentTopicReader reader;
    private final ScheduledExecutorService sealer;

    DedupReplica(String name, Topics topics, Path stateDir) {
        this(name, topics, stateDir, KafkaShardSink::kafkaProducer);
    }

    /** @param producers makes the shard sink's producer (a test that kills the sink at a point wraps it) */
    DedupReplica(String name, Topics topics, Path stateDir, Function<Properties, Producer<byte[], byte[]>> producers) {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        index = topics.index(stateDir);
        Pipeline pipeline = Pipelines.build(PipelineConfig.defaults().withSteps(STEPS), null, index);
        sink = topics.sink(name, producers);
        // Shard ids unique per start, as the service's are (host and start time): a restart under the same
        // name must not reuse them.
        String producerId = name + "." + Long.toString(System.nanoTime(), 36);
        ShardWriter writer = new ShardWriter(TOKENIZER, sink, producerId, SHARD_TOKENS, 64, 2_000_000);
        engine = new CorpusEngine(pipeline, writer, TOKENIZER, new DocumentLimits(1 << 24));
        sealer = Executors.newSingleThreadScheduledExecutor();
        sealer.scheduleWithFixedDelay(
                () -> {
                    try {
                        writer.sealIfIdle(TimeUnit.MILLISECONDS.toNanos(200));
                    } catch (RuntimeException e) {
                        // the sink is gone after kill(); a crashed replica seals nothing
                    }
                },
                100,
                100,
                TimeUnit.MILLISECONDS);
        reader = new DocumentTopicReader(
                engine, new DocumentLimits(1 << 24), bootstrap, Map.of(), topics.documents(), topics.group());
    }

    boolean ready() {
        return index.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING && reader.assigned() > 0;
    }

    String failure() {
        return reader.failure();
    }

    /**
     * Dies as a process would: nothing more is sealed or committed; shards already handed to the
     * producer are acknowledged (and marked shipped) first, then everything stops.
     */
    void kill() {
        sealer.shutdownNow();
        sink.close();
        index.close();
        reader.halt();
    }

    /**
     * Dies at the point of a shard transaction where its sink's producer was killed (before the commit:
     * the records stay on the broker, uncommitted; after it: nothing acknowledged), and the rest stops as
     * in {@link #kill}, nothing more committed. The caller arms that with a {@link CrashingShardProducer}
     * and calls this once it fired.
     */
    void crashed() {
        sealer.shutdownNow();
        reader.halt();
        index.close();
        sink.close();
    }

    @Override
    public void close() {
        reader.stop();
        sealer.shutdownNow();
        index.close();
        sink.close();
    }
}
