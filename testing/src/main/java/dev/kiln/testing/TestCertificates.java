package dev.kiln.testing;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway CA with a server and a client certificate, made by the JDK's keytool exactly as
 * {@code deploy/local/tls-certs.sh} makes them (SAN localhost and 127.0.0.1), so TLS tests run real
 * handshakes with nothing downloaded. Generated once per test JVM.
 */
public final class TestCertificates {

    /** Keystore password of the throwaway stores. */
    public static final String PASSWORD = "kiln-test";

    private static TestCertificates shared;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static synchronized TestCertificates shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("kiln-tls");
                generate(dir);
                shared = new TestCertificates(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** The CA certificate (PEM): what a client trusts. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The server's key and chain (PKCS#12, password {@link #PASSWORD}). */
    public Path serverP12() {
        return dir.resolve("server.p12");
    }

    /** The client's CA-signed certificate (PEM). */
    public Path clientCertPem() {
        return dir.resolve("client.pem");
    }

    /** The client's private key (PKCS#8 PEM), as grpc-java and the kiln CLI read it. */
    public Path clientKeyPem() {
        return dir.resolve("client-key.pem");
    }

    /** What turns TLS on for a Kiln service's port (see config/service-defaults). */
    public Map<String, String> serverProperties() {
        return Map.of(
                "quarkus.tls.key-store.p12.path",
                serverP12().toString(),
                "quarkus.tls.key-store.p12.password",
                PASSWORD,
                "quarkus.http.insecure-requests",
                "disabled");
    }

    /** {@link #serverProperties()} plus client certificates signed by the CA, required. */
    public Map<String, String> mutualServerProperties() {
        Map<String, String> properties = new java.util.HashMap<>(serverProperties());
        properties.put("quarkus.tls.trust-store.pem.certs", caPem().toString());
        properties.put("quarkus.http.ssl.client-auth", "required");
        return properties;
    }

    /**
     * What makes a Kiln service's Quarkus gRPC client {@code client} (e.g. "tokenizer") speak TLS,
     * trusting the CA and presenting the client certificate.
     */
    public Map<String, String> grpcClientProperties(String client) {
        String prefix = "quarkus.grpc.clients." + client + ".ssl.";
        return Map.of(
                prefix + "trust-store", caPem().toString(),
                prefix + "certificate", clientCertPem().toString(),
                prefix + "key", clientKeyPem().toString());
    }

    /** Credentials of a gRPC client that trusts the CA, with the client certificate or without. */
    public ChannelCredentials clientCredentials(boolean withClientCertificate) {
        try {
            TlsChannelCredentials.Builder builder =
                    TlsChannelCredentials.newBuilder().trustManager(caPem().toFile());
            if (withClientCertificate) {
                builder.keyManager(clientCertPem().toFile(), clientKeyPem().toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SSL context that trusts the CA: for HTTPS health checks. */
    public SSLContext sslContext() {
        return sslContextTrusting(caPem());
    }

    /**
     * An SSL context that trusts the CA and presents the client certificate: for HTTPS calls to a
     * service that requires client certificates (its health endpoints included).
     */
    public SSLContext mutualSslContext() {
        try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
            KeyStore client = KeyStore.getInstance("PKCS12");
            client.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(client, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trustManagers(caPem()), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLContext sslContextTrusting(Path caPem) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(caPem), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void generate(Path dir) throws IOException {
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=Kiln test CA",
                "-ext",
                "bc:c",
                "-keystore",
                "ca.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        leaf(dir, "server");
        leaf(dir, "client");
        writeKeyPem(dir.resolve("client.p12"), "client", dir.resolve("client-key.pem"));
    }

    /** A key pair whose certificate the CA signs, then stored with its chain (the CA entry removed). */
    private static void leaf(Path dir, String name) throws IOException {
        String store = name + ".p12";
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=" + name,
                "-keystore",
                store);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        keytool(
                dir,
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-validity",
                "2",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-ext",
                "eku=serverAuth,clientAuth");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool(dir, "-importcert", "-alias", name, "-file", name + ".pem", "-keystore", store);
        keytool(dir, "-delete", "-alias", "ca", "-keystore", store);
    }

    private static void writeKeyPem(Path p12, String alias, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD.toCharArray());
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded());
            Files.writeString(out, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key of " + p12, e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
