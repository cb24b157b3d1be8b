package dev.kiln.trainer.service;

import com.google.protobuf.Timestamp;
import dev.kiln.proto.trainer.v1.CheckpointSaved;
import dev.kiln.proto.trainer.v1.Evaluation;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.Sample;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.StateChanged;
import dev.kiln.proto.trainer.v1.StepMetrics;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.trainer.Trainer;
import dev.kiln.trainer.data.KafkaShardSource;
import dev.kiln.trainer.data.LlmcDirectorySource;
import dev.kiln.trainer.data.TokenSource;
import dev.kiln.trainer.runs.RunConfig;
import dev.kiln.trainer.runs.RunListener;
import dev.kiln.trainer.runs.TrainingRun;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the runs: starts them on training threads, records their state in
 * {@code <data-dir>/runs/<id>/run.pb} so they survive a restart, and fans their events out to
 * watchers. A run that was training when the service stopped comes back STOPPED, resumable.
 */
@ApplicationScoped
public class RunManager {

    private static final Logger LOG = Logger.getLogger(RunManager.class.getName());

    @Inject
    TrainerServiceConfig config;

    @Inject
    EncodingProvider encodings;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final Map<String, Handle> runs = new ConcurrentHashMap<>();
    private ExecutorService trainingThreads;

    /** One run's live state. */
    private static final class Handle {
        Run.Builder run;
        RunConfig config;
        RunEvents events;
        volatile TrainingRun training;
    }

    @PostConstruct
    void loadRuns() {
        trainingThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "training-run");
            t.setDaemon(true);
            return t;
        });
        Path root = runsDir();
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                Path file = dir.resolve("run.pb");
                if (!Files.exists(file)) {
                    continue;
                }
                Handle handle = new Handle();
                handle.run = Run.parseFrom(Files.readAllBytes(file)).toBuilder();
                handle.events = new RunEvents(config.eventHistory());
                handle.events.end();
                if (handle.run.getState() == RunState.RUN_STATE_RUNNING
                        || handle.run.getState() == RunState.RUN_STATE_PENDING) {
                    handle.run
                            .setState(RunState.RUN_STATE_STOPPED)
                            .setError("the trainer service restarted; ResumeRun continues from step "
                                    + handle.run.getCheckpointStep());
                    save(handle);
                }
                runs.put(handle.run.getId(), handle);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the runs under " + root, e);
        }
        LOG.info(() -> "Loaded " + runs.size() + " runs from " + root);
    }

    @PreDestroy
    void stopAll() {
        for (Handle handle : runs.values()) {
            TrainingRun training = handle.training;
            if (training != null) {
                training.requestStop();
            }
        }
        trainingThreads.shutdown();
        try {
            trainingThreads.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Path runsDir() {
        return Path.of(config.dataDir()).resolve("runs");
    }

    Path runDir(String id) {
        return runsDir().resolve(id);
    }

    public Run start(StartRunRequest request) {
        Encoding encoding = encodings.get(request.getEncoding().isEmpty() ? "r50k_base" : request.getEncoding());
        RunConfig runConfig = RunRequests.toConfig(request, encoding, config.shardsTopic());
        long budget = (long) (Runtime.getRuntime().maxMemory() * config.memoryFraction());
        if (runConfig.estimatedBytes() > budget) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription(String.format(
                            "the run would need about %,d MB (parameters, gradients, AdamW moments and activations), over this "
                                    + "trainer's budget of %,d MB (kiln.trainer.memory-fraction × max heap): shrink the model, "
                                    + "batch_size or context_length, or give the service more heap",
                            runConfig.estimatedBytes() >> 20, budget >> 20))
                    .asRuntimeException();
        }
        synchronized (this) {
            if (runs.containsKey(request.getName())) {
                throw Status.ALREADY_EXISTS
                        .withDescription(
                                "a run named '" + request.getName() + "' exists; pick another name, or ResumeRun it")
                        .asRuntimeException();
            }
            checkCapacity();
            Handle handle = new Handle();
            Instant now = Instant.now();
            handle.run = Run.newBuilder()
                    .setId(request.getName())
                    .setState(RunState.RUN_STATE_PENDING)
                    .setConfig(request.toBuilder().setEncoding(encoding.name()))
                    .setParameters(runConfig.model().realParameterCount())
                    .setTrainLoss(Float.NaN)
                    .setValLoss(Float.NaN)
                    .setCheckpointDir(
                            runDir(request.getName()).resolve("checkpoints").toString())
                    .setCreatedAt(timestamp(now))
                    .setUpdatedAt(timestamp(now));
            handle.config = runConfig;
            handle.events = new RunEvents(config.eventHistory());
            runs.put(handle.run.getId(), handle);
            save(handle);
            launch(handle, encoding);
            return snapshot(handle);
        }
    }

    public Run resume(String id) {
        Handle handle = handle(id);
        synchronized (this) {
            RunState state = handle.run.getState();
            if (state == RunState.RUN_STATE_RUNNING || state == RunState.RUN_STATE_PENDING) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("run '" + id + "' is already active")
                        .asRuntimeException();
            }
            if (state == RunState.RUN_STATE_COMPLETED) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("run '" + id + "' completed all "
                                + handle.run.getConfig().getTraining().getMaxSteps()
                                + " steps; ExportModel it, or start a new run")
                        .asRuntimeException();
            }
            if (TrainingRun.latestCheckpoint(runDir(id)).isEmpty()) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("run '" + id + "' has no checkpoint to resume from; "
                                + "start it again under a new name")
                        .asRuntimeException();
            }
            checkCapacity();
            Encoding encoding = encodings.get(handle.run.getConfig().getEncoding());
            if (handle.config == null) {
                handle.config = RunRequests.toConfig(handle.run.getConfig(), encoding, config.shardsTopic());
            }
            handle.run.setState(RunState.RUN_STATE_PENDING).clearError();
            handle.events.reopen();
            save(handle);
            launch(handle, encoding);
            return snapshot(handle);
        }
    }

    public Run stop(String id) {
        Handle handle = handle(id);
        TrainingRun training = handle.training;
        if (training == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("run '" + id + "' is not active (state " + handle.run.getState() + ")")
                    .asRuntimeException();
        }
        training.requestStop();
        return snapshot(handle);
    }

    public Run get(String id) {
        return snapshot(handle(id));
    }

    public List<Run> list(List<RunState> states) {
        return runs.values().stream()
                .map(this::snapshot)
                .filter(r -> states.isEmpty() || states.contains(r.getState()))
                .sorted(Comparator.comparing((Run r) -> r.getCreatedAt().getSeconds())
                        .thenComparing(r -> r.getCreatedAt().getNanos())
                        .reversed())
                .toList();
    }

    public void watch(String id, boolean replay, ServerCallStreamObserver<TrainingEvent> watcher) {
        handle(id).events.watch(watcher, replay);
    }

    /** The run's latest checkpoint directory, for export. */
    public Path latestCheckpoint(String id) {
        handle(id);
        return TrainingRun.latestCheckpoint(runDir(id))
                .orElseThrow(() -> Status.FAILED_PRECONDITION
                        .withDescription(
                                "run '" + id + "' has no checkpoint yet; wait for its first checkpoint or its end")
                        .asRuntimeException());
    }

    private void checkCapacity() {
        long active = runs.values().stream().filter(h -> h.training != null).count();
        if (active >= config.maxActiveRuns()) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription(active + " run(s) are training and this trainer runs at most "
                            + config.maxActiveRuns() + " at once (kiln.trainer.max-active-runs); stop one or wait")
                    .asRuntimeException();
        }
    }

    private Handle handle(String id) {
        if (id.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("run_id is required").asRuntimeException();
        }
        Handle handle = runs.get(id);
        if (handle == null) {
            throw Status.NOT_FOUND
                    .withDescription("no run '" + id + "'; ListRuns lists them")
                    .asRuntimeException();
        }
        return handle;
    }

    private void launch(Handle handle, Encoding encoding) {
        String id = handle.run.getId();
        Path dir = runDir(id);
        RunConfig cfg = handle.config;
        TrainingRun training = new TrainingRun(cfg, encoding, dir, sources(cfg, dir), listener(handle));
        handle.training = training;
        trainingThreads.submit(() -> {
            changeState(handle, RunState.RUN_STATE_RUNNING, "training from step " + training.step(), null);
            RunState end;
            String message;
            String error = null;
            try {
                boolean completed = training.run();
                end = completed ? RunState.RUN_STATE_COMPLETED : RunState.RUN_STATE_STOPPED;
                message = completed
                        ? "completed " + cfg.schedule().maxSteps() + " steps"
                        : "stopped at step " + training.step();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "Run " + id + " failed", t);
                end = RunState.RUN_STATE_FAILED;
                error = t.getMessage() == null ? t.toString() : t.getMessage();
                message = "failed: " + error;
            }
            // Free the slot before announcing the end, so a client that reacts to it can resume at once.
            handle.training = null;
            changeState(handle, end, message, error);
            handle.events.end();
        });
    }

    private Function<Map<String, Long>, TokenSource> sources(RunConfig cfg, Path runDir) {
        RunConfig.Data data = cfg.data();
        if (!data.fromKafka()) {
            return position -> new LlmcDirectorySource(data.shardDirectory(), position);
        }
        return position -> new KafkaShardSource(
                bootstrapServers,
                new KafkaShardSource.Settings(
                        data.kafkaTopic(),
                        cfg.encoding(),
                        Duration.ofSeconds(data.waitSeconds()),
                        Duration.ofSeconds(2),
                        data.validationFraction(),
                        config.validationTokens(),
                        runDir.resolve("validation.tokens")),
                position);
    }

    private RunListener listener(Handle handle) {
        return new RunListener() {
            @Override
            public void onStep(Trainer.StepResult step, long tokensSeen) {
                synchronized (handle) {
                    handle.run
                            .setStep((int) step.step() + 1)
                            .setTokensSeen(tokensSeen)
                            .setTrainLoss(step.loss())
                            .setUpdatedAt(timestamp(Instant.now()));
                }
                handle.events.publish(event(handle, step.step() + 1)
                        .setMetrics(StepMetrics.newBuilder()
                                .setLoss(step.loss())
                                .setLearningRate(step.lr())
                                .setGradNorm(step.gradNorm())
                                .setTokensPerSecond(step.tokensPerSecond())
                                .setStepSeconds(step.nanos() / 1e9)
                                .setTokensSeen(tokensSeen))
                        .build());
            }

            @Override
            public void onEvaluation(long step, float validationLoss, long tokens) {
                synchronized (handle) {
                    handle.run.setValLoss(validationLoss);
                }
                handle.events.publish(event(handle, step)
                        .setEvaluation(Evaluation.newBuilder()
                                .setValLoss(validationLoss)
                                .setTokens(tokens))
                        .build());
            }

            @Override
            public void onSample(long step, String prompt, String text) {
                handle.events.publish(event(handle, step)
                        .setSample(Sample.newBuilder().setPrompt(prompt).setText(text))
                        .build());
            }

            @Override
            public void onCheckpoint(long step, Path directory) {
                synchronized (handle) {
                    handle.run.setCheckpointStep((int) step);
                    save(handle);
                }
                handle.events.publish(event(handle, step)
                        .setCheckpoint(CheckpointSaved.newBuilder().setPath(directory.toString()))
                        .build());
            }
        };
    }

    private void changeState(Handle handle, RunState state, String message, String error) {
        long step;
        synchronized (handle) {
            handle.run.setState(state).setUpdatedAt(timestamp(Instant.now()));
            if (error != null) {
                handle.run.setError(error);
            }
            step = handle.run.getStep();
            save(handle);
        }
        handle.events.publish(event(handle, step)
                .setState(StateChanged.newBuilder().setState(state).setMessage(message))
                .build());
    }

    private static TrainingEvent.Builder event(Handle handle, long step) {
        return TrainingEvent.newBuilder()
                .setRunId(handle.run.getId())
                .setStep((int) step)
                .setTime(timestamp(Instant.now()));
    }

    private Run snapshot(Handle handle) {
        synchronized (handle) {
            return handle.run.build();
        }
    }

    private void save(Handle handle) {
        Path dir = runDir(handle.run.getId());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("run.pb.tmp");
            Files.write(tmp, handle.run.build().toByteArray());
            Files.move(tmp, dir.resolve("run.pb"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save run state in " + dir, e);
        }
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
