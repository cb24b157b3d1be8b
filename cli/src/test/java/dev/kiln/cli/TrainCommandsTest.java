package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The train commands against the packaged trainer service, on shards put on a real broker. */
class TrainCommandsTest {

    private static final String TOPIC = "kiln.test.cli.shards";
    private static final String RUN = "cli-run-" + Long.toString(System.currentTimeMillis(), 36);

    private static String trainer;

    @BeforeAll
    static void start() {
        trainer = Services.trainer();
        Services.produceShards(TOPIC);
    }

    @Test
    void startsWatchesListsAndExportsARun() {
        Cli.Result started = Cli.run(Services.tinyRun(trainer, RUN, TOPIC, "32", "2"));
        assertThat(started.exitCode()).as(started.err()).isZero();
        assertThat(started.out()).startsWith("run " + RUN + ": ").contains("/8", "parameters");

        Cli.Result watched = Cli.run("train", "watch", RUN, "--trainer", trainer);
        assertThat(watched.exitCode()).as(watched.err()).isZero();
        List<String> lines = Arrays.asList(watched.out().split("\n"));
        assertThat(lines)
                .filteredOn(l -> l.matches("step \\d+/8  loss \\d+\\.\\d{4}  lr .*tokens/s"))
                .hasSize(8);
        assertThat(lines).anyMatch(l -> l.startsWith("step 8  sample: The cat"));
        assertThat(lines).anyMatch(l -> l.startsWith("step 4  checkpoint "));
        assertThat(lines.get(lines.size() - 1)).startsWith("step 8  completed");

        Cli.Result list = Cli.run("train", "list", "--trainer", trainer);
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).startsWith("RUN").containsPattern(RUN + "\\s+completed\\s+8\\s+8\\s+\\d+\\.\\d{4}");

        Cli.Result get = Cli.run("train", "get", RUN, "--trainer", trainer);
        assertThat(get.out())
                .contains("state:       completed", "step:        8/8", "model:       1 layers, 2 heads, n_embd 32");

        Cli.Result exported = Cli.run("train", "export", RUN, "--name", RUN + "-model", "--trainer", trainer);
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(exported.out())
                .startsWith("model " + RUN + "-model from step 8: ")
                .contains("sha256");

        Cli.Result stopDone = Cli.run("train", "stop", RUN, "--trainer", trainer);
        assertThat(stopDone.exitCode()).as("a completed run is not active").isEqualTo(7);
        assertThat(stopDone.err()).contains("FAILED_PRECONDITION");
    }

    @Test
    void embeddingNotDivisibleByHeadsIsInvalidArgument() {
        Cli.Result result = Cli.run(Services.tinyRun(trainer, RUN + "-bad", TOPIC, "30", "4"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err())
                .startsWith("kiln train start: INVALID_ARGUMENT: ")
                .contains("n_embd");
    }

    @Test
    void llamaOptionsReachTheTrainer() {
        String[] base = Services.tinyRun(trainer, RUN + "-llama-bad", TOPIC, "32", "4");
        String[] args = java.util.Arrays.copyOf(base, base.length + 4);
        System.arraycopy(new String[] {"--architecture", "llama", "--kv-heads", "3"}, 0, args, base.length, 4);
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err())
                .startsWith("kiln train start: INVALID_ARGUMENT: ")
                .contains("model.n_kv_head 3", "model.n_head 4");
    }

    @Test
    void unknownRunIsNotFound() {
        Cli.Result result = Cli.run("train", "watch", "no-such-run", "--trainer", trainer);
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).contains("NOT_FOUND", "no-such-run");
    }
}
