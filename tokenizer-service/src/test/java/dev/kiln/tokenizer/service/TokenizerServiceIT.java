package dev.kiln.tokenizer.service;

import dev.kiln.testing.ServiceSurface;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Starts the packaged service in its own JVM and probes it over a real socket. */
@QuarkusIntegrationTest
class TokenizerServiceIT {

    @TestHTTPResource("/")
    URL base;

    @Test
    void servesItsApiHealthReflectionAndMetrics() throws Exception {
        ServiceSurface.assertServes(base.toURI(), "kiln.tokenizer.v1.TokenizerService");
    }
}
