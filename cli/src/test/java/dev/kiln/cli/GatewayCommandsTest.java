package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * generate, chat and models against the packaged inference gateway, serving a model the CLI itself
 * trained and exported on the packaged trainer: the path a user takes.
 */
class GatewayCommandsTest {

    private static final String TOPIC = "kiln.test.cli.gateway-shards";
    private static final String RUN = "cli-gen-" + Long.toString(System.currentTimeMillis(), 36);

    private static Path bundle;
    private static String gateway;

    @BeforeAll
    static void trainExportAndServe() throws IOException {
        String trainer = Services.trainer();
        Services.produceShards(TOPIC);
        String[] start = Services.tinyRun(trainer, RUN, TOPIC, "32", "2");
        String[] startAndWatch = Arrays.copyOf(start, start.length + 1);
        startAndWatch[start.length] = "--watch";
        Cli.Result trained = Cli.run(startAndWatch);
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("step 8/8  loss", "completed");

        // The gateway starts with the bundle: it reports ready only once a model is loaded.
        Path models = Services.trainerModels();
        bundle = models.resolve("tiny");
        Cli.Result exported = Cli.run("train", "export", RUN, "--trainer", trainer, "--output-dir", bundle.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        gateway = "localhost:"
                + ServiceProcess.shared(
                                "inference-gateway",
                                Map.of(
                                        "kafka.bootstrap.servers",
                                        KafkaBroker.shared().bootstrapServers(),
                                        "kiln.inference.kafka.enabled",
                                        "false",
                                        // tiny's context is 32 tokens: a short few-shot conversation for chat
                                        "kiln.inference.chat.prompts.tiny",
                                        "User: Hi\nAssistant: Hello.\n",
                                        "kiln.inference.models-dir",
                                        models.toString()))
                        .port();
    }

    @Test
    void generatesStreamedText() {
        Cli.Result first = Cli.run(
                "generate",
                "--gateway",
                gateway,
                "--model",
                "tiny",
                "--max-new-tokens",
                "12",
                "--temperature",
                "0.8",
                "--seed",
                "3",
                "--usage",
                "The",
                "cat");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).endsWith("\n").hasSizeGreaterThan(1);
        assertThat(first.err()).containsPattern("2 prompt tokens, \\d+ completion tokens, finish: (length|eos)");

        Cli.Result again = Cli.run(
                "generate",
                "--gateway",
                gateway,
                "--model",
                "tiny",
                "--max-new-tokens",
                "12",
                "--temperature",
                "0.8",
                "--seed",
                "3",
                "The cat");
        assertThat(again.out()).as("same seed, same text").isEqualTo(first.out());
    }

    @Test
    void chatsWithABaseModelThroughItsConversationPrompt() {
        Cli.Result answered = Cli.run(
                "chat",
                "--gateway",
                gateway,
                "--model",
                "tiny",
                "--system",
                "Be brief.",
                "-n",
                "6",
                "--temperature",
                "0",
                "--usage",
                "Hello");
        assertThat(answered.exitCode()).as(answered.err()).isZero();
        assertThat(answered.out()).endsWith("\n");
        // the model has no chat template: the conversation prompt (system, few-shot turns, the message) is the prompt
        assertThat(answered.err())
                .containsPattern("\\d{2,} prompt tokens, \\d+ completion tokens, finish: (length|stop|eos)");

        Cli.Result unknown = Cli.run("chat", "--gateway", gateway, "--model", "nope", "Hello");
        assertThat(unknown.exitCode()).isEqualTo(4);
        assertThat(unknown.err()).startsWith("kiln chat: NOT_FOUND: ");
    }

    @Test
    void listsLoadsAndUnloadsModels() {
        Cli.Result listed = Cli.run("models", "--gateway", gateway);
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).startsWith("NAME").containsPattern("tiny\\s+gpt2\\s+50257\\s+32\\s+1\\s+cpu");

        Cli.Result loaded = Cli.run("models", "load", "--gateway", gateway, "tiny-copy", bundle.toString());
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        assertThat(loaded.out()).startsWith("loaded tiny-copy (gpt2, 1 layers, context 32) on cpu");

        Cli.Result taken = Cli.run("models", "load", "--gateway", gateway, "tiny-copy", bundle.toString());
        assertThat(taken.exitCode()).as("ALREADY_EXISTS").isEqualTo(6);

        Cli.Result unloaded = Cli.run("models", "unload", "--gateway", gateway, "tiny-copy");
        assertThat(unloaded.exitCode()).isZero();
        assertThat(unloaded.out()).isEqualTo("unloaded tiny-copy\n");
    }

    @Test
    void unknownModelIsNotFoundAndBadSamplingIsInvalid() {
        Cli.Result unknown = Cli.run("generate", "--gateway", gateway, "--model", "nope", "hello");
        assertThat(unknown.exitCode()).isEqualTo(4);
        assertThat(unknown.err()).startsWith("kiln generate: NOT_FOUND: ").contains("tiny");

        Cli.Result hot =
                Cli.run("generate", "--gateway", gateway, "--model", "tiny", "-n", "4", "--temperature", "5", "hello");
        assertThat(hot.exitCode()).isEqualTo(3);
        assertThat(hot.err()).contains("INVALID_ARGUMENT", "temperature");
    }
}
