package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.BatchTokenizer;
import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentLimits;
import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

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
    private final KafkaShardSink sink;
    private final DocumentTopicReader reader;
    private final ScheduledExecutorService sealer;

    DedupReplica(String name, Topics topics, Path stateDir) {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        index = topics.index(stateDir);
        Pipeline pipeline = Pipelines.build(PipelineConfig.defaults().withSteps(STEPS), null, index);
        sink = new KafkaShardSink(bootstrap, topics.shards());
        ShardWriter writer = new ShardWriter(TOKENIZER, sink, name, 4096, 64, 2_000_000);
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

    @Override
    public void close() {
        reader.stop();
        sealer.shutdownNow();
        index.close();
        sink.close();
    }
}
