package dev.kiln.tokenizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.TestCertificates;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Client-certificate authentication (quarkus.http.ssl.client-auth=required). */
@QuarkusTest
@TestProfile(TlsProfiles.MutualTls.class)
class TokenizerMutualTlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @Test
    void aClientWithoutACertificateIsRefused() {
        assertThat(TokenizerTlsTest.failure(base, TestCertificates.shared().clientCredentials(false)))
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aClientWithACaSignedCertificateTokenizes() throws Exception {
        assertThat(TokenizerTlsTest.tokenize(base, TestCertificates.shared().clientCredentials(true)))
                .containsExactly(15339, 1917);
    }
}
