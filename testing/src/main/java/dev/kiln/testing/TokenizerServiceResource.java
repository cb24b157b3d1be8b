package dev.kiln.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Quarkus test resource that runs the real, packaged tokenizer service and points the service
 * under test's "tokenizer" gRPC client at it.
 */
public final class TokenizerServiceResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path encodings = Files.createTempDirectory("kiln-test-encodings");
            ServiceProcess tokenizer = ServiceProcess.shared(
                    "tokenizer-service", Map.of("kiln.tokenizer.encodings-dir", encodings.toString()));
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.grpc.clients.tokenizer.host", "localhost");
            config.put("quarkus.grpc.clients.tokenizer.port", Integer.toString(tokenizer.port()));
            // Quarkus gRPC clients read test-port in test mode.
            config.put("quarkus.grpc.clients.tokenizer.test-port", Integer.toString(tokenizer.port()));
            return config;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        // Shared by every test of this JVM; stops with it.
    }
}
