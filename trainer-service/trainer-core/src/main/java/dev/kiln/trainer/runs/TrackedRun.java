package dev.kiln.trainer.runs;

import com.google.protobuf.Timestamp;
import dev.kiln.proto.trainer.v1.CheckpointSaved;
import dev.kiln.proto.trainer.v1.Evaluation;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.Sample;
import dev.kiln.proto.trainer.v1.StateChanged;
import dev.kiln.proto.trainer.v1.StepMetrics;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * One run as {@link Runs} keeps it: its {@link Run} record (saved as {@code run.pb} in its
 * directory on every change of state and checkpoint), the config it trains with, its events, and
 * its training while one is going on. The record is guarded by this object's lock.
 */
final class TrackedRun {

    static final String RUN_FILE = "run.pb";

    private final Run.Builder run;
    private final Path dir;
    final RunEvents events;
    /** Set when the run is started or resumed; a run loaded after a restart has none until resumed. */
    RunConfig config;
    /** Non-null while the run holds a training slot. */
    volatile TrainingRun training;

    TrackedRun(Run.Builder run, Path dir, int eventHistory) {
        this.run = run;
        this.dir = dir;
        this.events = new RunEvents(eventHistory);
    }

    /** A run saved by an earlier life of the trainer: no watcher will see events until it is resumed. */
    static TrackedRun load(Path dir, int eventHistory) throws IOException {
        Run run = Run.parseFrom(Files.readAllBytes(dir.resolve(RUN_FILE)));
        TrackedRun tracked = new TrackedRun(run.toBuilder(), dir, eventHistory);
        tracked.events.end();
        return tracked;
    }

    String id() {
        return run.getId();
    }

    Path dir() {
        return dir;
    }

    synchronized Run snapshot() {
        return run.build();
    }

    synchronized RunState state() {
        return run.getState();
    }

    /** The run was active when the trainer stopped: it comes back STOPPED, resumable from its last checkpoint. */
    synchronized void markInterrupted() {
        run.setState(RunState.RUN_STATE_STOPPED)
                .setError("the trainer service restarted; ResumeRun continues from step " + run.getCheckpointStep());
        save();
    }

    /** Queued again after a stop or failure. */
    synchronized void markPending() {
        run.setState(RunState.RUN_STATE_PENDING).clearError();
        save();
    }

    void changeState(RunState state, String message, String error) {
        long step;
        synchronized (this) {
            run.setState(state).setUpdatedAt(timestamp(Instant.now()));
            if (error != null) {
                run.setError(error);
            }
            step = run.getStep();
            save();
        }
        events.publish(event(step)
                .setState(StateChanged.newBuilder().setState(state).setMessage(message))
                .build());
    }

    synchronized void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(RUN_FILE + ".tmp");
            Files.write(tmp, run.build().toByteArray());
            Files.move(tmp, dir.resolve(RUN_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save run state in " + dir, e);
        }
    }

    /** Records what the training reports in the run and publishes it as events. */
    RunListener listener() {
        return new RunListener() {
            @Override
            public void onStep(Trainer.StepResult step, long tokensSeen) {
                synchronized (TrackedRun.this) {
                    run.setStep((int) step.step() + 1)
                            .setTokensSeen(tokensSeen)
                            .setTrainLoss(step.loss())
                            .setUpdatedAt(timestamp(Instant.now()));
                }
                events.publish(event(step.step() + 1)
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
                synchronized (TrackedRun.this) {
                    run.setValLoss(validationLoss);
                }
                events.publish(event(step)
                        .setEvaluation(Evaluation.newBuilder()
                                .setValLoss(validationLoss)
                                .setTokens(tokens))
                        .build());
            }

            @Override
            public void onSample(long step, String prompt, String text) {
                events.publish(event(step)
                        .setSample(Sample.newBuilder().setPrompt(prompt).setText(text))
                        .build());
            }

            @Override
            public void onCheckpoint(long step, Path directory) {
                synchronized (TrackedRun.this) {
                    run.setCheckpointStep((int) step);
                    save();
                }
                events.publish(event(step)
                        .setCheckpoint(CheckpointSaved.newBuilder().setPath(directory.toString()))
                        .build());
            }
        };
    }

    private TrainingEvent.Builder event(long step) {
        return TrainingEvent.newBuilder().setRunId(id()).setStep((int) step).setTime(timestamp(Instant.now()));
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
