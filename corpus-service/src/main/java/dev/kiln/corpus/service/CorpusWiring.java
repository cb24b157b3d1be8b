package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.DocumentLimits;
import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.shard.LlmcShardFiles;
import dev.kiln.proto.PathRoots;
import dev.kiln.proto.kafka.KafkaClientProperties;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Builds the corpus core from configuration and owns its start and stop. The engine is built on
 * first use: the shard layout needs the encoding's vocabulary from the tokenizer service, which may
 * start after this service. Seals idle shards on a timer and ships everything pending at shutdown.
 */
@ApplicationScoped
public class CorpusWiring {

    private static final Logger LOG = Logger.getLogger(CorpusWiring.class);

    @Inject
    CorpusServiceConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @GrpcClient("tokenizer")
    Channel tokenizerChannel;

    private DocumentLimits documentLimits;
    private PathRoots inputRoots;
    private volatile CorpusEngine engine;
    private KafkaShardSink sink;
    private KafkaDedupIndex dedupIndex;
    private ScheduledExecutorService sealer;

    @PostConstruct
    void configure() {
        documentLimits = new DocumentLimits(config.maxDocumentBytes());
        inputRoots = new PathRoots("kiln.corpus.input-roots", config.inputRoots());
    }

    /** What every source checks a raw document against before the engine sees it. */
    public DocumentLimits documentLimits() {
        return documentLimits;
    }

    /** The directories IngestWarc and IngestJsonl may read; relative paths resolve against the first. */
    public PathRoots inputRoots() {
        return inputRoots;
    }

    /**
     * The engine; built on first call.
     *
     * @throws TokenizerUnavailableException while the tokenizer service cannot be reached
     */
    public CorpusEngine engine() {
        CorpusEngine built = engine;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (engine == null) {
                GrpcBatchTokenizer tokenizer = new GrpcBatchTokenizer(
                        TokenizerServiceGrpc.newBlockingStub(tokenizerChannel),
                        TokenizerServiceGrpc.newStub(tokenizerChannel),
                        config.encoding());
                try {
                    tokenizer.encoding();
                } catch (StatusRuntimeException e) {
                    throw new TokenizerUnavailableException(
                            "the tokenizer service is needed to tokenize shards and cannot be asked about encoding "
                                    + config.encoding() + ": " + e.getStatus(),
                            e);
                }
                PipelineConfig pipelineConfig = pipelineConfig();
                if (pipelineConfig.steps().contains(Pipelines.EXACT_DEDUP)
                        || pipelineConfig.steps().contains(Pipelines.MINHASH_DEDUP)) {
                    dedupIndex = new KafkaDedupIndex(dedupSettings());
                }
                Pipeline pipeline;
                try {
                    pipeline = Pipelines.build(pipelineConfig, null, dedupIndex);
                } catch (IllegalArgumentException e) {
                    // A bad setting is the server's fault; a caller must not read it as its own bad argument.
                    throw new IllegalStateException(
                            "invalid corpus pipeline configuration (kiln.corpus.pipeline.*): " + e.getMessage(), e);
                }
                sink = new KafkaShardSink(shardSinkSettings());
                ShardWriter.ShardSink shards = sink;
                if (config.llmcShardDir().isPresent()) {
                    LlmcShardFiles files =
                            new LlmcShardFiles(Path.of(config.llmcShardDir().get()));
                    shards = (shard, continued, marks) -> {
                        files.write(shard);
                        return sink.send(shard, continued, marks);
                    };
                }
                ShardWriter writer = new ShardWriter(
                        tokenizer,
                        shards,
                        producerId(),
                        config.shardTokens(),
                        config.tokenizeBatchDocuments(),
                        config.tokenizeBatchChars());
                engine = new CorpusEngine(
                        pipeline,
                        writer,
                        tokenizer,
                        documentLimits,
                        config.dedup().maxAwaitingVerdicts());
                sealer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "shard-sealer");
                    t.setDaemon(true);
                    return t;
                });
                long idle = config.sealAfterIdle().toNanos();
                sealer.scheduleWithFixedDelay(
                        () -> {
                            try {
                                writer.sealIfIdle(idle);
                            } catch (RuntimeException e) {
                                LOG.warn("Sealing an idle shard failed; retrying", e);
                            }
                        },
                        1,
                        1,
                        TimeUnit.SECONDS);
                LOG.infof(
                        "Corpus pipeline: %s, shards of %s to %s",
                        config.pipeline().steps(),
                        config.encoding(),
                        config.topics().shards());
            }
            return engine;
        }
    }

    PipelineConfig pipelineConfig() {
        PipelineConfig defaults = PipelineConfig.defaults();
        CorpusServiceConfig.Pipeline p = config.pipeline();
        PipelineConfig.UrlFilter url = defaults.urlFilter();
        return defaults.withSteps(p.steps())
                .withLanguage(new PipelineConfig.Language(
                        new HashSet<>(p.languages()),
                        p.languageThreshold(),
                        defaults.language().maxChars()))
                .withUrlFilter(new PipelineConfig.UrlFilter(
                                p.blockedDomainsFile().map(Path::of).orElse(url.blockedDomainsFile()),
                                p.blockedUrlsFile().map(Path::of).orElse(url.blockedUrlsFile()),
                                p.bannedWordsFile().map(Path::of).orElse(url.bannedWordsFile()),
                                url.bannedSubwordsFile(),
                                url.softBannedWordsFile(),
                                url.softWordThreshold())
                        .withUt1(p.ut1Directory().map(Path::of).orElse(null), p.ut1Categories()))
                .withDedup(defaults.dedup());
    }

    /** How long a document may wait for its global dedup verdict. */
    public java.time.Duration dedupVerdictTimeout() {
        return config.dedup().verdictTimeout();
    }

    KafkaDedupIndex.Settings dedupSettings() {
        CorpusServiceConfig.Dedup dedup = config.dedup();
        return new KafkaDedupIndex.Settings(
                bootstrapServers,
                kafkaClientProperties(),
                dedup.applicationId(),
                config.topics().dedupBands(),
                config.topics().dedupVerdicts(),
                dedup.partitions(),
                dedup.replicationFactor(),
                dedup.verdictTimeout(),
                dedup.sessionTimeout(),
                Path.of(config.dataDir()).resolve("dedup-streams"),
                new KafkaDedupIndex.Tuning(dedup.commitInterval(), dedup.batchLinger(), dedup.batchBytes()));
    }

    /**
     * The shard producer: transactional id {@code <dedup.application-id>-shards-<replica-id>} (the
     * application id's prefix, so the ACLs of the dedup stream tasks' transactional ids cover it too).
     */
    KafkaShardSink.Settings shardSinkSettings() {
        return new KafkaShardSink.Settings(
                bootstrapServers,
                kafkaClientProperties(),
                config.topics().shards(),
                config.dedup().applicationId() + "-shards-" + replicaId(),
                config.shardTransactionTimeout(),
                dedupIndex == null
                        ? Optional.empty()
                        : Optional.of(config.topics().dedupBands()));
    }

    /** {@code kiln.corpus.replica-id}, else the host name: in a StatefulSet the pod's name, stable across restarts. */
    private String replicaId() {
        return config.replicaId().orElseGet(CorpusWiring::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "corpus";
        }
    }

    /** The pass-through {@code kafka.*} client settings (TLS, SASL ...), without the prefix. */
    static Map<String, String> kafkaClientProperties() {
        return KafkaClientProperties.from(
                ConfigProvider.getConfig().getPropertyNames(),
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
    }

    private static String producerId() {
        return hostName().replaceAll("[^A-Za-z0-9-]", "-") + "-" + Long.toString(System.currentTimeMillis(), 36);
    }

    @PreDestroy
    void shutdown() {
        CorpusEngine built = engine;
        if (built == null) {
            return;
        }
        sealer.shutdownNow();
        try {
            built.awaitDedupVerdicts(30, TimeUnit.SECONDS);
            built.writer().seal();
            built.writer().awaitShipped(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Shards pending at shutdown were not all acknowledged", e);
        }
        try {
            built.pipeline().close();
        } catch (IOException e) {
            LOG.warn("Closing the dedup logs failed", e);
        }
        if (dedupIndex != null) {
            dedupIndex.close();
        }
        sink.close();
    }
}
