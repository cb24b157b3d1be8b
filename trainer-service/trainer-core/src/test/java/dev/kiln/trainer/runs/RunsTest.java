package dev.kiln.trainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.trainer.LlmcShardWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lifecycle without a service: tiny runs on a directory of llm.c shards. */
class RunsTest {

    private static Runs runs(Path dir, int maxActiveRuns, long memoryBudget) {
        return new Runs(
                new Runs.Settings(dir.resolve("runs"), maxActiveRuns, memoryBudget, "kiln.corpus.shards", 100),
                EncodingRegistry.getDefault()::get,
                (config, runDir, position) -> {
                    throw new AssertionError("these runs read a shard directory");
                });
    }

    private static Path shards(Path dir, int trainTokens) throws IOException {
        Path shards = Files.createDirectories(dir.resolve("shards"));
        int[] tokens = new int[trainTokens];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 100 + (i * 7) % 31;
        }
        LlmcShardWriter.write(shards.resolve("train_000.bin"), tokens);
        LlmcShardWriter.write(shards.resolve("val_000.bin"), java.util.Arrays.copyOf(tokens, 200));
        return shards;
    }

    private static StartRunRequest request(String name, Path shards, int maxSteps) {
        return StartRunRequest.newBuilder()
                .setName(name)
                .setEncoding("r50k_base")
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(1)
                        .setNHead(2)
                        .setNEmbd(16)
                        .setContextLength(16))
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(2)
                        .setMaxSteps(maxSteps)
                        .setSeed(1)
                        .setThreads(1)
                        .setCheckpointInterval(2))
                .setData(DataSource.newBuilder().setShardDirectory(shards.toString()))
                .build();
    }

    /** Collects a run's events until it ends. */
    private static final class Recorder implements RunWatcher {
        final List<TrainingEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void onEvent(TrainingEvent event) {
            events.add(event);
        }

        @Override
        public void onEnd() {
            ended.countDown();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable handler) {}

        void await() throws InterruptedException {
            assertThat(ended.await(120, TimeUnit.SECONDS)).as("the run ended").isTrue();
        }
    }

    @Test
    void aRunTrainsToItsEndAndRefusesWhatItsStateDoesNotAllow(@TempDir Path dir) throws Exception {
        Path shards = shards(dir, 2_000);
        try (Runs runs = runs(dir, 1, Long.MAX_VALUE)) {
            Run started = runs.start(request("r1", shards, 4));
            // The training thread may have begun already.
            assertThat(started.getState()).isIn(RunState.RUN_STATE_PENDING, RunState.RUN_STATE_RUNNING);
            Recorder watcher = new Recorder();
            runs.watch("r1", true, watcher);
            watcher.await();

            assertThat(watcher.events).filteredOn(TrainingEvent::hasMetrics).hasSize(4);
            assertThat(watcher.events.get(watcher.events.size() - 1).getState().getState())
                    .isEqualTo(RunState.RUN_STATE_COMPLETED);
            Run done = runs.get("r1");
            assertThat(done.getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);
            assertThat(done.getStep()).isEqualTo(4);
            assertThat(done.getCheckpointStep()).isEqualTo(4);
            assertThat(runs.latestCheckpoint("r1")).isDirectory();
            assertThat(runs.list(List.of(RunState.RUN_STATE_COMPLETED)))
                    .extracting(Run::getId)
                    .containsExactly("r1");
            assertThat(runs.list(List.of(RunState.RUN_STATE_RUNNING))).isEmpty();

            assertThatThrownBy(() -> runs.start(request("r1", shards, 4)))
                    .isInstanceOf(RunAlreadyExistsException.class);
            assertThatThrownBy(() -> runs.resume("r1"))
                    .isInstanceOf(RunStateException.class)
                    .hasMessageContaining("completed all 4 steps");
            assertThatThrownBy(() -> runs.stop("r1"))
                    .isInstanceOf(RunStateException.class)
                    .hasMessageContaining("not active");
            assertThatThrownBy(() -> runs.get("nope")).isInstanceOf(RunNotFoundException.class);
            assertThatThrownBy(() -> runs.latestCheckpoint("nope")).isInstanceOf(RunNotFoundException.class);
        }
    }

    @Test
    void aSecondRunOverTheLimitIsRefusedAndAStoppedRunResumes(@TempDir Path dir) throws Exception {
        Path shards = shards(dir, 2_000);
        try (Runs runs = runs(dir, 1, Long.MAX_VALUE)) {
            runs.start(request("long", shards, 100_000));
            assertThatThrownBy(() -> runs.start(request("other", shards, 4)))
                    .isInstanceOf(CapacityExceededException.class)
                    .hasMessageContaining("kiln.trainer.max-active-runs");
            assertThatThrownBy(() -> runs.resume("long"))
                    .isInstanceOf(RunStateException.class)
                    .hasMessageContaining("already active");

            Recorder watcher = new Recorder();
            runs.watch("long", false, watcher);
            runs.stop("long");
            watcher.await();
            Run stopped = runs.get("long");
            assertThat(stopped.getState()).isEqualTo(RunState.RUN_STATE_STOPPED);
            assertThat(stopped.getCheckpointStep()).isEqualTo(stopped.getStep());

            assertThat(runs.resume("long").getState()).isIn(RunState.RUN_STATE_PENDING, RunState.RUN_STATE_RUNNING);
            runs.stop("long");
        }
    }

    @Test
    void aRunThatWasActiveWhenTheTrainerStoppedComesBackStopped(@TempDir Path dir) throws Exception {
        Path shards = shards(dir, 2_000);
        try (Runs runs = runs(dir, 1, Long.MAX_VALUE)) {
            runs.start(request("survivor", shards, 100_000));
        }
        // As a killed trainer leaves it: the saved record still says RUNNING.
        Path runFile = dir.resolve("runs").resolve("survivor").resolve("run.pb");
        Run saved = Run.parseFrom(Files.readAllBytes(runFile));
        Files.write(
                runFile,
                saved.toBuilder().setState(RunState.RUN_STATE_RUNNING).build().toByteArray());

        try (Runs restarted = runs(dir, 1, Long.MAX_VALUE)) {
            Run run = restarted.get("survivor");
            assertThat(run.getState()).isEqualTo(RunState.RUN_STATE_STOPPED);
            assertThat(run.getError()).contains("restarted");
            Recorder watcher = new Recorder();
            restarted.watch("survivor", true, watcher);
            watcher.await();
        }
    }

    @Test
    void refusesRunsTheTrainerCannotHoldOrTheDataCannotFill(@TempDir Path dir) throws Exception {
        Path shards = shards(dir, 2_000);
        try (Runs runs = runs(dir, 1, 1L << 20)) {
            assertThatThrownBy(() -> runs.start(request("big", shards, 4)))
                    .isInstanceOf(CapacityExceededException.class)
                    .hasMessageContaining("MB")
                    .hasMessageContaining("kiln.trainer.memory-fraction");
        }
        Path small = shards(dir.resolve("small"), 16);
        try (Runs runs = runs(dir, 1, Long.MAX_VALUE)) {
            assertThatThrownBy(() -> runs.start(request("short", small, 4)))
                    .isInstanceOf(InvalidRunConfigException.class)
                    .hasMessageContaining("model.context_length 16")
                    .hasMessageContaining("hold 16");
            assertThatThrownBy(() -> runs.start(request("missing", dir.resolve("no-such-dir"), 4)))
                    .isInstanceOf(InvalidRunConfigException.class)
                    .hasMessageContaining("data.shard_directory");
            StartRunRequest hugeBuffer = request("buffer", shards, 4).toBuilder()
                    .setTraining(request("buffer", shards, 4).getTraining().toBuilder()
                            .setShuffleBufferBatches(3_000_000))
                    .build();
            assertThatThrownBy(() -> runs.start(hugeBuffer))
                    .isInstanceOf(InvalidRunConfigException.class)
                    .hasMessageContaining("training.shuffle_buffer_batches is 3000000")
                    .hasMessageContaining("between 1 and 2097152");
            assertThatThrownBy(() -> runs.start(request("bad name!", small, 4)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name");
            assertThat(runs.list(List.of())).isEmpty();
        }
    }
}
