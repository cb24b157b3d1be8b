package dev.kiln.trainer.runs;

import dev.kiln.tokenizer.Encoding;
import dev.kiln.trainer.AdamW;
import dev.kiln.trainer.Batch;
import dev.kiln.trainer.Checkpoint;
import dev.kiln.trainer.LanguageModel;
import dev.kiln.trainer.LearningRateSchedule;
import dev.kiln.trainer.Sampler;
import dev.kiln.trainer.ThreadPool;
import dev.kiln.trainer.Trainer;
import dev.kiln.trainer.data.TokenStream;
import dev.kiln.trainer.data.WindowBatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One training run: builds or resumes the model, then steps until max steps or a stop request,
 * evaluating, sampling and checkpointing on schedule. A checkpoint holds the weights, the AdamW
 * state and the data position, so a resumed run continues the same stream of batches: stopped at
 * step k and resumed, it reproduces the losses of the uninterrupted run (same seed and threads).
 */
public final class TrainingRun {

    /** Checkpoints a run keeps on disk; older ones are deleted. */
    static final int KEPT_CHECKPOINTS = 2;

    private final RunConfig config;
    private final Encoding encoding;
    private final Path runDir;
    private final Function<Map<String, Long>, TokenStream> sources;
    private final RunListener listener;
    private volatile boolean stopRequested;
    private volatile long step;
    private long lastCheckpointStep = -1;

    /**
     * @param sources opens the run's token stream at a position (empty for a new run)
     */
    public TrainingRun(
            RunConfig config,
            Encoding encoding,
            Path runDir,
            Function<Map<String, Long>, TokenStream> sources,
            RunListener listener) {
        this.config = config;
        this.encoding = encoding;
        this.runDir = runDir;
        this.sources = sources;
        this.listener = listener;
    }

    /** Asks the run to stop after the current step; it checkpoints first. */
    public void requestStop() {
        stopRequested = true;
    }

    public long step() {
        return step;
    }

    /** The newest complete checkpoint of a run directory, if any. */
    public static Optional<Path> latestCheckpoint(Path runDir) {
        Path pointer = runDir.resolve("checkpoints").resolve("latest");
        try {
            if (!Files.exists(pointer)) {
                return Optional.empty();
            }
            Path dir = runDir.resolve("checkpoints")
                    .resolve(Files.readString(pointer).trim());
            return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Trains until max steps (returns true) or a stop request (returns false); resumes from the
     * latest checkpoint when there is one.
     */
    public boolean run() throws IOException, InterruptedException {
        RunConfig.Schedule schedule = config.schedule();
        RunConfig.Optimizer opt = config.optimizer();
        int threads = schedule.threads() > 0
                ? schedule.threads()
                : Runtime.getRuntime().availableProcessors();
        try (ThreadPool pool = new ThreadPool(threads)) {
            Function<LanguageModel, AdamW> newOptimizer =
                    m -> new AdamW(m, opt.beta1(), opt.beta2(), 1e-8f, opt.weightDecay());
            LanguageModel model;
            AdamW optimizer;
            Map<String, Long> position;
            Optional<Path> checkpoint = latestCheckpoint(runDir);
            if (checkpoint.isPresent()) {
                Checkpoint.Resumed resumed = Checkpoint.load(checkpoint.get(), pool, newOptimizer);
                model = resumed.model();
                if (!model.config().equals(config.model())) {
                    throw new IOException("checkpoint " + checkpoint.get() + " holds a " + model.config()
                            + " but the run is configured as " + config.model());
                }
                optimizer = resumed.optimizer();
                position = resumed.dataOffsets();
            } else {
                model = LanguageModel.create(config.model(), pool, schedule.seed());
                optimizer = newOptimizer.apply(model);
                position = Map.of();
            }
            step = optimizer.updates();
            LearningRateSchedule lr = new LearningRateSchedule(
                    opt.learningRate(), opt.minLearningRate(), opt.warmupSteps(), schedule.maxSteps());
            Trainer trainer = new Trainer(model, optimizer, lr, schedule.gradAccumulationSteps(), opt.gradClip());
            try (TokenStream source = sources.apply(position)) {
                WindowBatcher batcher = new WindowBatcher(
                        source,
                        schedule.batchSize(),
                        config.model().context(),
                        schedule.shuffleBufferBatches(),
                        schedule.seed(),
                        position);
                while (step < schedule.maxSteps()) {
                    if (stopRequested) {
                        saveCheckpoint(model, optimizer, batcher);
                        return false;
                    }
                    Trainer.StepResult result = trainer.step(() -> nextBatch(batcher));
                    step = optimizer.updates();
                    listener.onStep(result, step * config.tokensPerStep());
                    if (schedule.evalInterval() > 0
                            && (step % schedule.evalInterval() == 0 || step == schedule.maxSteps())) {
                        evaluate(trainer, source.validationTokens());
                    }
                    if (schedule.sampleInterval() > 0 && step % schedule.sampleInterval() == 0) {
                        sample(model);
                    }
                    if (schedule.checkpointInterval() > 0 && step % schedule.checkpointInterval() == 0) {
                        saveCheckpoint(model, optimizer, batcher);
                    }
                }
                if (lastCheckpointStep != step) {
                    saveCheckpoint(model, optimizer, batcher);
                }
                return true;
            }
        }
    }

    private static Batch nextBatch(WindowBatcher batcher) {
        try {
            return batcher.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenStream.DataUnavailableException("Interrupted while waiting for training data");
        }
    }

    private void evaluate(Trainer trainer, int[] validation) {
        RunConfig.Schedule schedule = config.schedule();
        int window = schedule.batchSize() * config.model().context();
        List<Batch> batches = new ArrayList<>();
        for (int start = 0;
                start + window + 1 <= validation.length && batches.size() < schedule.evalBatches();
                start += window) {
            int[] inputs = new int[window];
            int[] targets = new int[window];
            System.arraycopy(validation, start, inputs, 0, window);
            System.arraycopy(validation, start + 1, targets, 0, window);
            batches.add(new Batch(
                    inputs, targets, schedule.batchSize(), config.model().context()));
        }
        if (!batches.isEmpty()) {
            listener.onEvaluation(step, trainer.evalLoss(batches), (long) batches.size() * window);
        }
    }

    private void sample(LanguageModel model) {
        RunConfig.Schedule schedule = config.schedule();
        int eos = encoding.endOfText().orElse(-1);
        int[] prompt = schedule.samplePrompt().isEmpty()
                ? new int[] {Math.max(eos, 0)}
                : encoding.encodeOrdinary(schedule.samplePrompt());
        int room = config.model().context() - prompt.length;
        if (room <= 0) {
            return;
        }
        int[] generated = Sampler.generate(
                model, prompt, Math.min(schedule.sampleTokens(), room), 0.8f, 40, schedule.seed() + step, eos);
        listener.onSample(step, schedule.samplePrompt(), encoding.decode(generated));
    }

    private void saveCheckpoint(LanguageModel model, AdamW optimizer, WindowBatcher batcher) throws IOException {
        Path checkpoints = runDir.resolve("checkpoints");
        String name = String.format("step-%09d", optimizer.updates());
        Path dir = checkpoints.resolve(name);
        Checkpoint.save(dir, model, optimizer, config.schedule().seed(), batcher.position());
        Path tmp = checkpoints.resolve("latest.tmp");
        Files.writeString(tmp, name);
        Files.move(
                tmp,
                checkpoints.resolve("latest"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        pruneCheckpoints(checkpoints);
        lastCheckpointStep = optimizer.updates();
        listener.onCheckpoint(optimizer.updates(), dir);
    }

    private static void pruneCheckpoints(Path checkpoints) throws IOException {
        List<Path> dirs;
        try (Stream<Path> list = Files.list(checkpoints)) {
            dirs = list.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isDirectory(p))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
        for (int i = 0; i < dirs.size() - KEPT_CHECKPOINTS; i++) {
            try (Stream<Path> walk = Files.walk(dirs.get(i))) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
