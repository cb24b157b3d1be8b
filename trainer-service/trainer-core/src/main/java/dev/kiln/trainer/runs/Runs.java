package dev.kiln.trainer.runs;

import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.trainer.data.LlmcDirectorySource;
import dev.kiln.trainer.data.TokenStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The trainer's runs and their lifecycle: PENDING when started or resumed, RUNNING on a training
 * thread, then COMPLETED, STOPPED or FAILED. Each run's record lives in
 * {@code <runs dir>/<id>/run.pb} beside its checkpoints, so runs survive a restart; a run that was
 * active when the trainer stopped comes back STOPPED, resumable. Events fan out to watchers.
 *
 * <p>Failures are typed: {@link RunNotFoundException}, {@link RunStateException},
 * {@link RunAlreadyExistsException}, {@link CapacityExceededException} (the active-run limit and
 * the memory budget) and {@link InvalidRunConfigException}.
 */
public final class Runs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Runs.class.getName());
    private static final String DEFAULT_ENCODING = "r50k_base";

    /**
     * What the trainer allows and where it keeps its runs.
     *
     * @param memoryBudgetBytes the memory one run may plan to use (kiln.trainer.memory-fraction × max heap)
     */
    public record Settings(
            Path runsDir, int maxActiveRuns, long memoryBudgetBytes, String defaultShardsTopic, int eventHistory) {}

    /** Opens the token stream of a run that reads Kafka shards, at a checkpoint's position (empty: the start). */
    @FunctionalInterface
    public interface KafkaShards {
        TokenStream open(RunConfig config, Path runDir, Map<String, Long> position);
    }

    private final Settings settings;
    private final Function<String, Encoding> encodings;
    private final KafkaShards kafkaShards;
    private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
    private final ExecutorService trainingThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "training-run");
        t.setDaemon(true);
        return t;
    });

    /**
     * Loads the runs saved under {@code settings.runsDir()}.
     *
     * @param encodings the encoding of a name; its failures reach the callers of start and resume as they are
     */
    public Runs(Settings settings, Function<String, Encoding> encodings, KafkaShards kafkaShards) {
        this.settings = settings;
        this.encodings = encodings;
        this.kafkaShards = kafkaShards;
        recover();
    }

    private void recover() {
        Path root = settings.runsDir();
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (!Files.exists(dir.resolve(TrackedRun.RUN_FILE))) {
                    continue;
                }
                TrackedRun run = TrackedRun.load(dir, settings.eventHistory());
                if (run.state() == RunState.RUN_STATE_RUNNING || run.state() == RunState.RUN_STATE_PENDING) {
                    run.markInterrupted();
                }
                runs.put(run.id(), run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the runs under " + root, e);
        }
        LOG.log(System.Logger.Level.INFO, () -> "Loaded " + runs.size() + " runs from " + root);
    }

    /** Checks the request, then trains it on a background thread; returns the run as PENDING. */
    public Run start(StartRunRequest request) {
        Encoding encoding = encodings.apply(request.getEncoding().isEmpty() ? DEFAULT_ENCODING : request.getEncoding());
        RunConfig config = RunRequests.toConfig(request, encoding, settings.defaultShardsTopic());
        long budget = settings.memoryBudgetBytes();
        if (config.estimatedBytes() > budget) {
            throw new CapacityExceededException(String.format(
                    "the run would need about %,d MB (parameters, gradients, AdamW moments and activations), over this "
                            + "trainer's budget of %,d MB (kiln.trainer.memory-fraction × max heap): shrink the model, "
                            + "batch_size or context_length, or give the service more heap",
                    config.estimatedBytes() >> 20, budget >> 20));
        }
        checkDataHoldsContext(config);
        synchronized (this) {
            if (runs.containsKey(request.getName())) {
                throw new RunAlreadyExistsException(request.getName());
            }
            checkCapacity();
            Path dir = runDir(request.getName());
            Instant now = Instant.now();
            TrackedRun run = new TrackedRun(
                    Run.newBuilder()
                            .setId(request.getName())
                            .setState(RunState.RUN_STATE_PENDING)
                            .setConfig(request.toBuilder().setEncoding(encoding.name()))
                            .setParameters(config.model().realParameterCount())
                            .setTrainLoss(Float.NaN)
                            .setValLoss(Float.NaN)
                            .setCheckpointDir(dir.resolve("checkpoints").toString())
                            .setCreatedAt(TrackedRun.timestamp(now))
                            .setUpdatedAt(TrackedRun.timestamp(now)),
                    dir,
                    settings.eventHistory());
            run.config = config;
            runs.put(run.id(), run);
            run.save();
            launch(run, encoding);
            return run.snapshot();
        }
    }

    /**
     * A window of context_length + 1 tokens must fit in the data. Only a shard directory can be
     * counted up front; Kafka shards may still be arriving when the run starts.
     */
    private static void checkDataHoldsContext(RunConfig config) {
        RunConfig.Data data = config.data();
        if (data.fromKafka()) {
            return;
        }
        long tokens;
        try {
            tokens = LlmcDirectorySource.trainingTokens(data.shardDirectory());
        } catch (TokenStream.DataUnavailableException e) {
            throw new InvalidRunConfigException("data.shard_directory: " + e.getMessage());
        }
        int context = config.model().context();
        if (tokens <= context) {
            throw new InvalidRunConfigException("model.context_length " + context + " needs " + (context + 1)
                    + " tokens per sequence, but the training shards in data.shard_directory " + data.shardDirectory()
                    + " hold " + tokens + ": lower context_length or add data");
        }
    }

    /** Continues a stopped or failed run from its latest checkpoint. */
    public Run resume(String id) {
        TrackedRun run = find(id);
        synchronized (this) {
            RunState state = run.state();
            if (state == RunState.RUN_STATE_RUNNING || state == RunState.RUN_STATE_PENDING) {
                throw new RunStateException("run '" + id + "' is already active");
            }
            Run record = run.snapshot();
            if (state == RunState.RUN_STATE_COMPLETED) {
                throw new RunStateException("run '" + id + "' completed all "
                        + record.getConfig().getTraining().getMaxSteps()
                        + " steps; ExportModel it, or start a new run");
            }
            if (TrainingRun.latestCheckpoint(run.dir()).isEmpty()) {
                throw new RunStateException(
                        "run '" + id + "' has no checkpoint to resume from; start it again under a new name");
            }
            checkCapacity();
            Encoding encoding = encodings.apply(record.getConfig().getEncoding());
            if (run.config == null) {
                run.config = RunRequests.toConfig(record.getConfig(), encoding, settings.defaultShardsTopic());
            }
            run.markPending();
            run.events.reopen();
            launch(run, encoding);
            return run.snapshot();
        }
    }

    /** Asks an active run to stop after its current step; it checkpoints first. */
    public Run stop(String id) {
        TrackedRun run = find(id);
        TrainingRun training = run.training;
        if (training == null) {
            throw new RunStateException("run '" + id + "' is not active (state " + run.state() + ")");
        }
        training.requestStop();
        return run.snapshot();
    }

    public Run get(String id) {
        return find(id).snapshot();
    }

    /** Runs in the given states (empty: all), newest first. */
    public List<Run> list(List<RunState> states) {
        return runs.values().stream()
                .map(TrackedRun::snapshot)
                .filter(r -> states.isEmpty() || states.contains(r.getState()))
                .sorted(Comparator.comparing((Run r) -> r.getCreatedAt().getSeconds())
                        .thenComparing(r -> r.getCreatedAt().getNanos())
                        .reversed())
                .toList();
    }

    /** Feeds {@code watcher} the run's events (first the kept ones, if {@code replay}) until the run ends. */
    public void watch(String id, boolean replay, RunWatcher watcher) {
        find(id).events.watch(watcher, replay);
    }

    /** The run's latest checkpoint directory, for export. */
    public Path latestCheckpoint(String id) {
        return TrainingRun.latestCheckpoint(find(id).dir())
                .orElseThrow(() -> new RunStateException(
                        "run '" + id + "' has no checkpoint yet; wait for its first checkpoint or its end"));
    }

    /** Asks every active run to stop (each checkpoints first) and waits up to a minute for them. */
    @Override
    public void close() {
        for (TrackedRun run : runs.values()) {
            TrainingRun training = run.training;
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

    private Path runDir(String id) {
        return settings.runsDir().resolve(id);
    }

    private void checkCapacity() {
        long active = runs.values().stream().filter(r -> r.training != null).count();
        if (active >= settings.maxActiveRuns()) {
            throw new CapacityExceededException(active + " run(s) are training and this trainer runs at most "
                    + settings.maxActiveRuns() + " at once (kiln.trainer.max-active-runs); stop one or wait");
        }
    }

    private TrackedRun find(String id) {
        TrackedRun run = runs.get(id);
        if (run == null) {
            throw new RunNotFoundException(id);
        }
        return run;
    }

    private void launch(TrackedRun run, Encoding encoding) {
        RunConfig config = run.config;
        TrainingRun training = new TrainingRun(config, encoding, run.dir(), streams(config, run.dir()), run.listener());
        run.training = training;
        trainingThreads.submit(() -> {
            run.changeState(RunState.RUN_STATE_RUNNING, "training from step " + training.step(), null);
            RunState end;
            String message;
            String error = null;
            try {
                boolean completed = training.run();
                end = completed ? RunState.RUN_STATE_COMPLETED : RunState.RUN_STATE_STOPPED;
                message = completed
                        ? "completed " + config.schedule().maxSteps() + " steps"
                        : "stopped at step " + training.step();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "Run " + run.id() + " failed", t);
                end = RunState.RUN_STATE_FAILED;
                error = t.getMessage() == null ? t.toString() : t.getMessage();
                message = "failed: " + error;
            }
            // Free the slot before announcing the end, so a client that reacts to it can resume at once.
            run.training = null;
            run.changeState(end, message, error);
            run.events.end();
        });
    }

    private Function<Map<String, Long>, TokenStream> streams(RunConfig config, Path runDir) {
        RunConfig.Data data = config.data();
        if (data.fromKafka()) {
            return position -> kafkaShards.open(config, runDir, position);
        }
        return position -> new LlmcDirectorySource(data.shardDirectory(), position);
    }
}
