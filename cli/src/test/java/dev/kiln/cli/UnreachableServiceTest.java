package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every service's commands exit 5 and name the service and address when nothing listens there. */
class UnreachableServiceTest {

    private static String nowhere;

    @BeforeAll
    static void findClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = "localhost:" + socket.getLocalPort();
        }
    }

    @Test
    void tokenizer() {
        Cli.Result result = Cli.run("--tokenizer", nowhere, "count", "hello");
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("UNAVAILABLE: cannot reach the tokenizer service at " + nowhere);
    }

    @Test
    void corpus() {
        Cli.Result result = Cli.run("corpus", "stats", "--corpus", nowhere);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err())
                .startsWith("kiln corpus stats: UNAVAILABLE: cannot reach the corpus service at " + nowhere);
    }

    @Test
    void trainer() {
        Cli.Result result = Cli.run("train", "list", "--trainer", nowhere);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("cannot reach the trainer service at " + nowhere);
    }

    @Test
    void gatewayForGenerateAndModels() {
        Cli.Result generate = Cli.run("generate", "--gateway", nowhere, "--model", "tiny", "Once upon a time");
        assertThat(generate.exitCode()).isEqualTo(5);
        assertThat(generate.err()).contains("cannot reach the inference gateway service at " + nowhere);

        Cli.Result models = Cli.run("models", "--gateway", nowhere);
        assertThat(models.exitCode()).isEqualTo(5);
        Cli.Result load = Cli.run("models", "load", "--gateway", nowhere, "tiny", "/tmp/tiny");
        assertThat(load.exitCode()).isEqualTo(5);
    }

    @Test
    void helpAndUsageErrors() {
        Cli.Result help = Cli.run("train", "start", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--embd", "--heads", "--steps", "localhost:9103");

        Cli.Result missing = Cli.run("train", "start", "--layers", "2");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--name");

        assertThat(Cli.run("train").exitCode()).as("a group needs a subcommand").isEqualTo(2);
        assertThat(Cli.run("corpus", "inspect", "/no/such/file.html").exitCode())
                .isEqualTo(2);
    }
}
