package dev.kiln.trainer.service;

import dev.kiln.proto.PathRoots;
import dev.kiln.trainer.data.ShardSchedule;
import dev.kiln.trainer.data.TokenStream;
import dev.kiln.trainer.runs.RunConfig;
import dev.kiln.trainer.runs.Runs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the trainer's core from configuration and owns its life: the {@link Runs} (loaded from
 * {@code kiln.trainer.data-dir} when first used, every active run stopped at shutdown), fed from
 * Kafka through a {@link KafkaShardPoller} per run.
 */
@ApplicationScoped
public class TrainerWiring {

    /** How long a drained topic stays quiet before a run starts its next epoch. */
    private static final Duration IDLE_BEFORE_NEXT_EPOCH = Duration.ofSeconds(2);

    @Inject
    TrainerServiceConfig config;

    @Inject
    EncodingProvider encodings;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Produces
    @Singleton
    Runs runs() {
        long memoryBudget = (long) (Runtime.getRuntime().maxMemory() * config.memoryFraction());
        return new Runs(
                new Runs.Settings(
                        Path.of(config.dataDir()).resolve("runs"),
                        config.maxActiveRuns(),
                        memoryBudget,
                        config.shardsTopic(),
                        config.eventHistory()),
                encodings::get,
                this::kafkaShards);
    }

    @Produces
    @Singleton
    TrainerRoots roots() {
        return new TrainerRoots(
                new PathRoots("kiln.trainer.models-roots", config.modelsRoots().orElse(List.of(config.modelsDir()))),
                new PathRoots("kiln.trainer.data-roots", config.dataRoots().orElse(List.of(config.dataDir()))));
    }

    void stop(@Disposes Runs runs) {
        runs.close();
    }

    private TokenStream kafkaShards(RunConfig run, Path runDir, Map<String, Long> position) {
        RunConfig.Data data = run.data();
        Duration firstDataWait = Duration.ofSeconds(data.waitSeconds());
        return new ShardSchedule(
                new KafkaShardPoller(bootstrapServers, data.kafkaTopic(), firstDataWait),
                new ShardSchedule.Settings(
                        data.kafkaTopic(),
                        run.encoding(),
                        firstDataWait,
                        IDLE_BEFORE_NEXT_EPOCH,
                        data.validationFraction(),
                        config.validationTokens(),
                        runDir.resolve("validation.tokens")),
                position);
    }
}
