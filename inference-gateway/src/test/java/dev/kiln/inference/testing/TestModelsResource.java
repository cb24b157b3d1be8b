package dev.kiln.inference.testing;

import dev.kiln.trainer.GptConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes real bundles into a fresh models directory and points the gateway at it:
 * {@code tiny} (2 layers, 64 channels, context 128) for behaviour, and {@code slow} (6 layers,
 * 384 channels, context 1024: a few ms per token) for tests that need a request to still be
 * running when they act on it. Also writes {@code spare}, outside the models directory, for
 * LoadModel and Kafka tests ({@code kiln.test.spare-bundle}).
 */
public final class TestModelsResource implements QuarkusTestResourceLifecycleManager {
    private static Path root;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (root == null) {
                root = Files.createTempDirectory("kiln-gateway-models");
                Path models = Files.createDirectories(root.resolve("models"));
                TestBundles.write(TestBundles.randomModel(TestBundles.small(), 7), models.resolve("tiny"));
                TestBundles.write(
                        TestBundles.randomModel(GptConfig.of(6, 6, 384, 1024, TestBundles.vocab()), 8),
                        models.resolve("slow"));
                TestBundles.write(TestBundles.randomModel(TestBundles.small(), 9), root.resolve("spare"));
            }
            return Map.of(
                    "kiln.inference.models-dir",
                    root.resolve("models").toString(),
                    "kiln.test.spare-bundle",
                    root.resolve("spare").toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot write test bundles", e);
        }
    }

    /** The bundle directory of {@code spare}. */
    public static Path spare() {
        return root.resolve("spare");
    }

    @Override
    public void stop() {
        // kept for the JVM's other tests; the OS cleans /tmp
    }
}
