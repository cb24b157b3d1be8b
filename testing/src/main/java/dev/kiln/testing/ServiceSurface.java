package dev.kiln.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The surface every Kiln service shows on its one port, checked from outside over a real socket:
 * its gRPC API listed by reflection, gRPC health SERVING, and HTTP health and Prometheus metrics.
 */
public final class ServiceSurface {

    private ServiceSurface() {}

    /**
     * Asserts that the server at {@code baseUri} (e.g. http://localhost:9101/) serves
     * {@code apiService} (e.g. "kiln.tokenizer.v1.TokenizerService") as every Kiln service must.
     */
    public static void assertServes(URI baseUri, String apiService) throws Exception {
        try (GrpcProbe probe = new GrpcProbe(baseUri.getHost(), baseUri.getPort())) {
            List<String> services = probe.listServices();
            assertTrue(services.contains(apiService), "reflection lists " + apiService + ": " + services);
            assertTrue(services.contains("grpc.health.v1.Health"), "reflection lists the health service: " + services);
            assertEquals(ServingStatus.SERVING, probe.health(""), "overall gRPC health");
            assertEquals(ServingStatus.SERVING, probe.health(apiService), "gRPC health of " + apiService);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(baseUri.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "HTTP readiness: " + health.body());
        assertTrue(health.body().contains("\"UP\""), "HTTP readiness says UP: " + health.body());
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(baseUri.resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), "Prometheus metrics endpoint");
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus metrics carry JVM gauges");
    }
}
