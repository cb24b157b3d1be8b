package dev.kiln.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Another Kiln service, packaged by its own module, running in its own JVM for the length of a
 * test run: the corpus tests talk to the real tokenizer service over a socket rather than to a
 * stand-in. One process per service per test JVM, stopped when the JVM exits.
 */
public final class ServiceProcess {

    private static final Map<String, ServiceProcess> RUNNING = new ConcurrentHashMap<>();

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The service of module {@code module} (a sibling directory of the calling module, e.g.
     * "tokenizer-service"), started on a free port with the given system properties.
     */
    public static ServiceProcess shared(String module, Map<String, String> properties) {
        return RUNNING.computeIfAbsent(module, m -> start(m, properties));
    }

    /** A new process of the service, owned by the caller (stop or kill it). */
    public static ServiceProcess start(String module, Map<String, String> properties) {
        return start(module, properties, null);
    }

    /**
     * A new process of the service serving TLS on its port (the properties carry its key store,
     * e.g. {@link TestCertificates#serverProperties()}); {@code tls} trusts its certificate, for the
     * HTTPS liveness check.
     */
    public static ServiceProcess start(String module, Map<String, String> properties, SSLContext tls) {
        Path jar = locate(module);
        try {
            int port = freePort();
            Path log = Files.createTempFile("kiln-" + module, ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
            command.add("-Xmx1g");
            command.add("-Dquarkus.http.port=" + port);
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ServiceProcess service = new ServiceProcess(process, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "stop-" + module));
            // Live, not ready: a gateway is ready only once it serves a model, which may come later.
            service.awaitReady(Duration.ofSeconds(90), tls);
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + module + ": " + e.getMessage(), e);
        }
    }

    private static Path locate(String module) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (Files.exists(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("No packaged " + module + " (target/quarkus-app/quarkus-run.jar) above " + cwd
                + ": build it first (./mvnw -pl " + module + " package)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout, SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            builder.sslContext(tls);
        }
        HttpClient http = builder.build();
        URI live = URI.create((tls == null ? "http" : "https") + "://localhost:" + port + "/q/health/live");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response =
                        http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the service", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the service", e);
            }
        }
        stop();
        throw new IllegalStateException("The service was not live within " + timeout.toSeconds() + " s; see " + log);
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Ends the process at once, as a crash would: no shutdown hooks, nothing flushed. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
