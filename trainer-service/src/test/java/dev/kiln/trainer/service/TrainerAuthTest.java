package dev.kiln.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import dev.kiln.testing.ScopeProbe;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API keys on, over a real socket: every RPC of the descriptor against every kind of key. */
@QuarkusTest
@TestProfile(TrainerAuthTest.Profile.class)
class TrainerAuthTest {
    @TestHTTPResource("/")
    URL base;

    ManagedChannel channel;

    /** StartRun with an empty request starts a run: keep it out of the other tests' run directory. */
    public static class Profile extends ApiKeysProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("kiln.trainer.data-dir", "target/test-data/trainer-auth");
            config.put("kiln.trainer.models-dir", "target/test-data/models-auth");
            return config;
        }
    }

    @BeforeEach
    void open() {
        channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void everyRpcNeedsAKeyOfItsScope() throws Exception {
        assertThat(ScopeProbe.violations(
                        base.getHost() + ":" + base.getPort(),
                        TrainerServiceGrpc.getServiceDescriptor(),
                        TrainerAuth.SCOPES))
                .isEmpty();
    }

    @Test
    void theScopeListNamesEveryRpcAndNothingElse() {
        assertThat(TrainerAuth.SCOPES.methods())
                .containsExactlyInAnyOrderElementsOf(TrainerServiceGrpc.getServiceDescriptor().getMethods().stream()
                        .map(MethodDescriptor::getFullMethodName)
                        .toList());
    }

    @Test
    void healthStaysOpenOverGrpcAndHttp() throws Exception {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        HttpResponse<String> live = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "q/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
    }
}
