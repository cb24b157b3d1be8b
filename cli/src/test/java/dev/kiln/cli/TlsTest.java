package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testing.ServiceProcess;
import dev.kiln.testing.TestCertificates;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI against a tokenizer service that serves TLS only. */
class TlsTest {

    private static final TestCertificates CERTIFICATES = TestCertificates.shared();
    private static ServiceProcess tokenizer;
    private static String address;

    @BeforeAll
    static void startTlsTokenizer() throws Exception {
        Map<String, String> properties = new java.util.HashMap<>(CERTIFICATES.serverProperties());
        properties.put(
                "kiln.tokenizer.encodings-dir",
                Files.createTempDirectory("kiln-cli-tls").toString());
        tokenizer = ServiceProcess.start("tokenizer-service", properties, CERTIFICATES.sslContext());
        address = "localhost:" + tokenizer.port();
    }

    @AfterAll
    static void stop() {
        tokenizer.stop();
    }

    @Test
    void tokenizesOverTlsTrustingTheCa() {
        Cli.Result result = Cli.run(
                "tokenize",
                "--tokenizer",
                address,
                "--tls",
                "--ca",
                CERTIFICATES.caPem().toString(),
                "hello world");
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().trim()).isEqualTo("15339 1917");
    }

    @Test
    void refusesAServerItDoesNotTrust() {
        Cli.Result result = Cli.run("tokenize", "--tokenizer", address, "--tls", "hello");
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("cannot reach the tokenizer service at " + address);
    }

    @Test
    void plaintextDoesNotReachATlsPort() {
        assertThat(Cli.run("tokenize", "--tokenizer", address, "hello").exitCode())
                .isEqualTo(5);
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        Cli.Result result = Cli.run(
                "tokenize",
                "--tokenizer",
                address,
                "--cert",
                CERTIFICATES.clientCertPem().toString(),
                "hello");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--cert and --key go together");
    }
}
