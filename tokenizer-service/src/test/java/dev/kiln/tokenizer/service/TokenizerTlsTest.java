package dev.kiln.tokenizer.service;

import static dev.kiln.testing.GrpcFailures.codeOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.testing.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TLS on the service's one port: real handshakes against the running service. */
@QuarkusTest
@TestProfile(TlsProfiles.Tls.class)
class TokenizerTlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    static List<Integer> tokenize(URL base, ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", base.getPort(), credentials)
                .build();
        try {
            return TokenizerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .tokenize(TokenizeRequest.newBuilder()
                            .setEncoding("cl100k_base")
                            .setText("hello world")
                            .build())
                    .getIdsList();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static Status.Code failure(URL base, ChannelCredentials credentials) {
        return codeOf(() -> {
            try {
                tokenize(base, credentials);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aClientTrustingTheCaTokenizesOverTls() throws Exception {
        assertThat(base.getProtocol()).isEqualTo("https");
        assertThat(tokenize(base, TestCertificates.shared().clientCredentials(false)))
                .containsExactly(15339, 1917);
    }

    @Test
    void plaintextClientsAreRefused() {
        assertThat(failure(base, InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aClientThatDoesNotTrustTheCaRefusesTheServer() {
        // The JDK's default trust store: the throwaway CA is not in it.
        assertThat(failure(base, TlsChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
    }

    /** What Kubernetes' probes use once TLS is on: the gRPC health service and HTTPS /q/health. */
    @Test
    void probesAnswerOverTls() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "localhost", base.getPort(), TestCertificates.shared().clientCredentials(false))
                .build();
        try {
            assertThat(HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        HttpClient https = HttpClient.newBuilder()
                .sslContext(TestCertificates.shared().sslContext())
                .build();
        HttpResponse<String> ready = https.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + base.getPort() + "/q/health/ready"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
    }
}
