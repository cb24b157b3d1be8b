package dev.kiln.console;

import dev.kiln.testing.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the endpoint tests run the console against: the real, packaged tokenizer service with API
 * keys on, and, for the other three services, a port where nothing listens (to see how the console
 * reports a service it cannot reach).
 */
public final class ConsoleServicesResource implements QuarkusTestResourceLifecycleManager {

    static final String GENERATE_KEY = "console-test-generate-key-0123456789";

    @Override
    public Map<String, String> start() {
        try {
            Path keys = Files.createTempFile("kiln-console-keys", ".txt");
            Files.writeString(keys, GENERATE_KEY + " generate\n");
            ServiceProcess tokenizer = ServiceProcess.start(
                    "tokenizer-service",
                    Map.of(
                            "kiln.tokenizer.encodings-dir",
                            Files.createTempDirectory("kiln-console-encodings").toString(),
                            "kiln.auth.enabled",
                            "true",
                            "kiln.auth.api-keys-file",
                            keys.toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(tokenizer::stop));
            int closed = closedPort();
            Map<String, String> config = new HashMap<>();
            client(config, "tokenizer", tokenizer.port());
            client(config, "corpus", closed);
            client(config, "trainer", closed);
            client(config, "gateway", closed);
            return config;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Quarkus gRPC clients read test-port in test mode. */
    private static void client(Map<String, String> config, String name, int port) {
        config.put("quarkus.grpc.clients." + name + ".host", "localhost");
        config.put("quarkus.grpc.clients." + name + ".port", Integer.toString(port));
        config.put("quarkus.grpc.clients." + name + ".test-port", Integer.toString(port));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        // the tokenizer stops with the JVM
    }
}
