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
 * running when they act on it. Also writes {@code spare}, outside the models directory but under
 * the model roots, for LoadModel and Kafka tests ({@code kiln.test.spare-bundle}), and a bundle
 * outside every root reached through the symbolic link {@code escape} inside the roots.
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
                Path outside = TestBundles.write(
                        TestBundles.randomModel(TestBundles.small(), 10),
                        Files.createTempDirectory("kiln-gateway-outside").resolve("bundle"));
                Files.createSymbolicLink(root.resolve("escape"), outside);
            }
            return Map.of(
                    "kiln.inference.models-dir",
                    root.resolve("models").toString(),
                    "kiln.inference.model-roots",
                    root.toString(),
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

    /** The directory every test bundle path must lie in ({@code kiln.inference.model-roots}). */
    public static Path root() {
        return root;
    }

    /** A symbolic link inside the roots to a complete bundle outside them. */
    public static Path escape() {
        return root.resolve("escape");
    }

    @Override
    public void stop() {
        // kept for the JVM's other tests; the OS cleans /tmp
    }
}
