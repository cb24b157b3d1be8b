package dev.kiln.inference.service;

import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.testing.KafkaTestResource;
import dev.kiln.testing.ServiceSurface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Starts the packaged service in its own JVM with a models directory holding real bundles (the
 * gateway is ready only with a model loaded) and probes it over a real socket.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class InferenceServiceIT {

    @TestHTTPResource("/")
    URL base;

    @Test
    void servesItsApiHealthReflectionAndMetrics() throws Exception {
        ServiceSurface.assertServes(base.toURI(), "kiln.inference.v1.InferenceService");
    }
}
