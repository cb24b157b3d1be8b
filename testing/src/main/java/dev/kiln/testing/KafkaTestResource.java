package dev.kiln.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource that points a service under test at the shared {@link KafkaBroker}:
 * {@code @QuarkusTestResource(KafkaTestResource.class)}. Works for {@code @QuarkusTest} and for
 * {@code @QuarkusIntegrationTest}, where the packaged service runs in its own JVM.
 */
public final class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return KafkaBroker.shared().quarkusConfig();
    }

    @Override
    public void stop() {
        // The broker is shared by every test of this JVM and stops with it.
    }
}
