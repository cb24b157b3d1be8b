package dev.kiln.corpus.service;

import dev.kiln.testing.ServiceSurface;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Starts the packaged service in its own JVM and probes it over a real socket. */
@QuarkusIntegrationTest
class CorpusServiceIT {

    @TestHTTPResource("/")
    URL base;

    @Test
    void servesItsApiHealthReflectionAndMetrics() throws Exception {
        ServiceSurface.assertServes(base.toURI(), "kiln.corpus.v1.CorpusService");
    }
}
