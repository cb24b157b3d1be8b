package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import dev.kiln.corpus.engine.ShardWriter;
import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.shard.LlmcShardFiles;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the corpus engine from configuration, on first use: the shard layout needs the encoding's
 * vocabulary from the tokenizer service, which may start after this service. Seals idle shards on
 * a timer and ships everything pending at shutdown.
 */
@ApplicationScoped
public class CorpusRuntime {

    private static final Logger LOG = Logger.getLogger(CorpusRuntime.class.getName());

    @Inject
    CorpusServiceConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @GrpcClient("tokenizer")
    Channel tokenizerChannel;

    private volatile CorpusEngine engine;
    private KafkaShardSink sink;
    private ScheduledExecutorService sealer;

    /**
     * The engine; built on first call.
     *
     * @throws StatusRuntimeException UNAVAILABLE while the tokenizer service cannot be reached
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
                    throw io.grpc.Status.UNAVAILABLE
                            .withDescription("the tokenizer service is needed to tokenize shards "
                                    + "and cannot be asked about encoding " + config.encoding() + ": " + e.getStatus())
                            .asRuntimeException();
                }
                Pipeline pipeline = Pipelines.build(pipelineConfig());
                sink = new KafkaShardSink(bootstrapServers, config.topics().shards());
                ShardWriter.ShardSink shards = sink;
                if (config.llmcShardDir().isPresent()) {
                    LlmcShardFiles files =
                            new LlmcShardFiles(Path.of(config.llmcShardDir().get()));
                    shards = shard -> {
                        files.write(shard);
                        return sink.send(shard);
                    };
                }
                ShardWriter writer = new ShardWriter(
                        tokenizer,
                        shards,
                        producerId(),
                        config.shardTokens(),
                        config.tokenizeBatchDocuments(),
                        config.tokenizeBatchChars());
                engine = new CorpusEngine(pipeline, writer, tokenizer);
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
                                LOG.log(Level.WARNING, "Sealing an idle shard failed; retrying", e);
                            }
                        },
                        1,
                        1,
                        TimeUnit.SECONDS);
                LOG.info(() -> "Corpus pipeline: " + config.pipeline().steps() + ", shards of " + config.encoding()
                        + " to " + config.topics().shards());
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
                        url.softWordThreshold()))
                .withDedup(
                        defaults.dedup().withDirectory(Path.of(config.dataDir()).resolve("dedup")));
    }

    private static String producerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "corpus";
        }
        return host.replaceAll("[^A-Za-z0-9-]", "-") + "-" + Long.toString(System.currentTimeMillis(), 36);
    }

    @PreDestroy
    void shutdown() {
        CorpusEngine built = engine;
        if (built == null) {
            return;
        }
        sealer.shutdownNow();
        try {
            built.writer().seal();
            built.writer().awaitShipped(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Shards pending at shutdown were not all acknowledged", e);
        }
        try {
            built.pipeline().close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Closing the dedup logs failed", e);
        }
        sink.close();
    }
}
