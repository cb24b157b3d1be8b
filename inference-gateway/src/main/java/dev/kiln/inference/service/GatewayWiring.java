package dev.kiln.inference.service;

import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.InferenceEngine;
import dev.kiln.inference.model.DecoderModel;
import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.proto.PathRoots;
import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The gateway's wiring: builds the core (registry, engine, metrics) from configuration, owns its
 * start and stop, loads the models directory at start, follows kiln.models on Kafka, and keeps
 * health (gRPC and HTTP readiness) in step with whether any model is loaded.
 */
@ApplicationScoped
public class GatewayWiring {
    private static final Logger LOG = Logger.getLogger(GatewayWiring.class);

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    @Inject
    GrpcHealthStorage health;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrap;

    /** Where a trainer started in the gateway's directory with its defaults exports bundles. */
    private static final String DEFAULT_MODEL_ROOT = "data/models";

    private ModelRegistry registry;
    private InferenceEngine engine;
    private ModelEventsListener events;
    private volatile PathRoots modelRoots;

    /** The directories LoadModel and kiln.models events may load bundles from. */
    PathRoots modelRoots() {
        PathRoots roots = modelRoots;
        if (roots == null) {
            List<String> configured = config.modelRoots()
                    .orElseGet(
                            () -> List.of(config.modelsDir().map(Path::toString).orElse(DEFAULT_MODEL_ROOT)));
            roots = new PathRoots("kiln.inference.model-roots", configured);
            modelRoots = roots;
        }
        return roots;
    }

    @Produces
    @Singleton
    InferenceEngine engine() {
        return init();
    }

    synchronized InferenceEngine init() {
        if (engine == null) {
            DecoderModel.Provider provider = switch (config.executionProvider().toLowerCase(Locale.ROOT)) {
                case "cpu" -> DecoderModel.Provider.CPU;
                case "cuda", "gpu" -> DecoderModel.Provider.CUDA;
                default ->
                    throw new IllegalArgumentException(
                            "kiln.inference.execution-provider must be cpu or cuda, is " + config.executionProvider());
            };
            registry = new ModelRegistry(
                    new ModelRegistry.Settings(
                            new OrtSessions.Options(provider, config.intraOpThreads(), config.cudaDevice()),
                            new ContinuousBatcher.Config(
                                    config.maxBatch(), config.queueCapacity(), config.prefillChunkTokens()),
                            name -> config.chat()
                                    .prompts()
                                    .getOrDefault(name, config.chat().defaultPrompt())),
                    new MicrometerEngineMetrics(meters));
            engine = new InferenceEngine(registry);
            Gauge.builder(
                            "kiln.inference.models.loaded",
                            registry,
                            r -> r.list().size())
                    .register(meters);
            Gauge.builder(
                            "kiln.inference.queue.depth",
                            registry,
                            r -> r.list().stream()
                                    .mapToInt(m -> m.batcher().queued())
                                    .sum())
                    .description("Requests waiting for a batch slot, all models")
                    .register(meters);
            Gauge.builder(
                            "kiln.inference.running",
                            registry,
                            r -> r.list().stream()
                                    .mapToInt(m -> m.batcher().running())
                                    .sum())
                    .description("Requests decoding, all models")
                    .register(meters);
        }
        return engine;
    }

    void onStart(@Observes StartupEvent ev) {
        init();
        updateHealth();
        config.modelsDir().ifPresent(this::loadDirectory);
        if (config.kafka().enabled()) {
            events = new ModelEventsListener(
                    bootstrap, config.kafka().topic(), config.kafka().fromBeginning(), this);
            events.start();
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (events != null) {
            events.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Loads every bundle in dir (dir itself when it holds a config.json), named after its directory. */
    void loadDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            LOG.warnf("models directory %s does not exist; starting without models", dir);
            return;
        }
        List<Path> bundles;
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            bundles = List.of(dir);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                bundles = s.filter(p -> Files.isRegularFile(p.resolve("config.json")))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                LOG.errorf("cannot list %s: %s", dir, e.getMessage());
                return;
            }
        }
        for (Path b : bundles) {
            String name = b.getFileName().toString();
            try {
                load(ResourceNames.require("name", name), b, true, null);
            } catch (RuntimeException e) {
                LOG.errorf("cannot load bundle %s: %s", b, e.getMessage());
            }
        }
    }

    public LoadedModel load(String name, Path dir, boolean replace, DecoderModel.Provider provider) {
        LoadedModel m = init().registry().load(name, dir, replace, provider);
        if (m.model().fallbackReason() != null) {
            LOG.warnf("model %s runs on CPU: %s", name, m.model().fallbackReason());
        }
        updateHealth();
        return m;
    }

    public void unload(String name) {
        init().registry().unload(name);
        updateHealth();
    }

    public ModelRegistry registry() {
        return init().registry();
    }

    /** Ready (gRPC SERVING, HTTP readiness UP) only while at least one model is loaded. */
    void updateHealth() {
        ServingStatus s = registry.isEmpty() ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, s);
        health.setStatus(InferenceServiceGrpc.SERVICE_NAME, s);
    }
}
