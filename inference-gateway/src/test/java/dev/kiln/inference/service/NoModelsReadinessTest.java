package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.inference.testing.TestBundles;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import dev.kiln.testing.GrpcProbe;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** (Statuses compared by name: the probe and the app load the health enum in different class loaders.)
 * A gateway without models is alive but not ready; loading one makes it ready, unloading the last one not. */
@QuarkusTest
@TestProfile(NoModelsReadinessTest.NoModels.class)
class NoModelsReadinessTest {

    public static class NoModels implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kiln.inference.kafka.enabled",
                    "false",
                    "kiln.inference.model-roots",
                    System.getProperty("java.io.tmpdir"));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @TestHTTPResource("/")
    URL base;

    int ready() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void readyOnlyWhileAModelIsLoaded() throws Exception {
        Path dir = TestBundles.write(
                TestBundles.randomModel(TestBundles.small(), 5),
                Files.createTempDirectory("kiln-ready").resolve("m"));
        try (GrpcProbe probe = new GrpcProbe(base.getHost(), base.getPort())) {
            assertThat(ready()).isEqualTo(503);
            assertThat(probe.health("").name()).isEqualTo("NOT_SERVING");
            assertThat(probe.health("kiln.inference.v1.InferenceService").name())
                    .isEqualTo("NOT_SERVING");
            var stub = InferenceServiceGrpc.newBlockingStub(probe.channel());
            stub.loadModel(LoadModelRequest.newBuilder()
                    .setName("m")
                    .setPath(dir.toString())
                    .build());
            assertThat(ready()).isEqualTo(200);
            assertThat(probe.health("").name()).isEqualTo("SERVING");
            stub.unloadModel(UnloadModelRequest.newBuilder().setName("m").build());
            assertThat(ready()).isEqualTo(503);
            assertThat(probe.health("kiln.inference.v1.InferenceService").name())
                    .isEqualTo("NOT_SERVING");
        }
    }
}
