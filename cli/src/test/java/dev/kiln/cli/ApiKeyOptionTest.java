package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --api-key against a packaged tokenizer service that has API keys on. */
class ApiKeyOptionTest {
    static final String KEY = "cli-test-key-0123456789";
    static ServiceProcess service;
    static String tokenizer;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("kiln-cli-auth");
        Path keys = Files.writeString(dir.resolve("keys"), KEY + " generate\n");
        service = ServiceProcess.start(
                "tokenizer-service",
                Map.of(
                        "kiln.tokenizer.encodings-dir", dir.resolve("encodings").toString(),
                        "kiln.auth.enabled", "true",
                        "kiln.auth.api-keys-file", keys.toString()));
        tokenizer = "localhost:" + service.port();
    }

    @AfterAll
    static void stop() {
        service.stop();
    }

    @Test
    void theKeyIsSentAsBearerMetadata() {
        Cli.Result ok = Cli.run("count", "--tokenizer", tokenizer, "--api-key", KEY, "hello world");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("2\n");
        Cli.Result before = Cli.run("--api-key", KEY, "--tokenizer", tokenizer, "count", "hello world");
        assertThat(before.exitCode()).as(before.err()).isZero();
    }

    @Test
    void withoutAKeyTheUserIsToldHowToSendOne() {
        Cli.Result none = Cli.run("count", "--tokenizer", tokenizer, "hello world");
        assertThat(none.exitCode()).isEqualTo(8);
        assertThat(none.err())
                .startsWith("kiln count: UNAUTHENTICATED: ")
                .contains("--api-key")
                .contains("KILN_API_KEY");
        Cli.Result wrong = Cli.run("count", "--tokenizer", tokenizer, "--api-key", "wrong-key-0123456789", "x");
        assertThat(wrong.exitCode()).isEqualTo(8);
    }
}
