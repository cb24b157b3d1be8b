package dev.kiln.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;

/**
 * The packaged services the CLI tests drive, one process each per test JVM. Their state goes to
 * temporary directories so nothing lands in the source tree.
 */
final class Services {

    private Services() {
    }

    static String tokenizer() {
        return "localhost:" + ServiceProcess.shared("tokenizer-service",
                Map.of("kiln.tokenizer.encodings-dir", temp("tokenizer"))).port();
    }

    static String corpus() {
        int tokenizerPort = Integer.parseInt(tokenizer().substring("localhost:".length()));
        return "localhost:" + ServiceProcess.shared("corpus-service", Map.of(
                "kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers(),
                "quarkus.grpc.clients.tokenizer.host", "localhost",
                "quarkus.grpc.clients.tokenizer.port", String.valueOf(tokenizerPort),
                "kiln.corpus.data-dir", temp("corpus"))).port();
    }

    static String trainer() {
        String data = temp("trainer");
        return "localhost:" + ServiceProcess.shared("trainer-service", Map.of(
                "kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers(),
                "kiln.trainer.data-dir", data + "/runs-root",
                "kiln.trainer.models-dir", data + "/models")).port();
    }

    private static String temp(String name) {
        try {
            return Files.createTempDirectory("kiln-cli-" + name).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempFile(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("kiln-cli-input");
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
