package dev.kiln.testing;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for tests, shared by every test of a JVM.
 *
 * <p>Where a broker is given through {@code KILN_TEST_KAFKA_BOOTSTRAP}, that one is used. Otherwise
 * a Testcontainers broker when a Docker engine answers, and otherwise an in-process KRaft broker
 * built from Kafka's own test kit. All three are the real broker code: tests never talk to a mock.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Apache's GraalVM-native broker image: starts in about a second. */
    public static final String IMAGE = "apache/kafka-native:4.1.1";

    private static final Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static KafkaBroker shared;

    private final String bootstrapServers;
    private final Kind kind;
    private final AutoCloseable resource;

    /** How the broker runs. */
    public enum Kind {
        EXTERNAL,
        CONTAINER,
        IN_PROCESS
    }

    private KafkaBroker(String bootstrapServers, Kind kind, AutoCloseable resource) {
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
        this.resource = resource;
    }

    /**
     * The JVM-wide broker, started on first use and stopped when the JVM exits. Sharing it keeps a
     * test suite to one broker start (about a second in process).
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::closeQuietly, "kafka-test-broker-stop"));
        }
        return shared;
    }

    /** Starts a new broker of the best kind available here; the caller closes it. */
    public static KafkaBroker start() {
        String external = System.getenv("KILN_TEST_KAFKA_BOOTSTRAP");
        if (external != null && !external.isBlank()) {
            LOG.log(Level.INFO, () -> "Kafka for tests: external broker at " + external);
            return new KafkaBroker(external, Kind.EXTERNAL, () -> {});
        }
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(IMAGE);
            container.start();
            LOG.log(Level.INFO, () -> "Kafka for tests: Testcontainers broker at " + container.getBootstrapServers());
            return new KafkaBroker(container.getBootstrapServers(), Kind.CONTAINER, container::stop);
        }
        return startInProcess();
    }

    private static boolean dockerAvailable() {
        if (!dockerEndpointAnswers()) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether a Docker engine could answer here, asked before Testcontainers is: its probe logs
     * a page of ERROR lines when none does, which on machines without Docker (the usual case
     * here) would bury real failures. An explicitly configured engine is left to Testcontainers.
     */
    private static boolean dockerEndpointAnswers() {
        String configured = System.getenv("DOCKER_HOST");
        if ((configured != null && !configured.isBlank())
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return true;
        }
        List<Path> sockets = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"), Path.of(System.getProperty("user.home"), ".docker/run/docker.sock")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        for (Path socket : sockets) {
            if (Files.exists(socket)) {
                try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return true;
                } catch (IOException e) {
                    // a stale socket file: no engine behind it
                }
            }
        }
        return false;
    }

    private static KafkaBroker startInProcess() {
        try {
            Path dir = Files.createTempDirectory("kiln-kafka-test");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    // One broker: internal topics cannot have more replicas than that.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = cluster.bootstrapServers();
            LOG.log(
                    Level.INFO,
                    () -> "Kafka for tests: in-process KRaft broker at " + bootstrap + " (no Docker engine answered)");
            return new KafkaBroker(bootstrap, Kind.IN_PROCESS, cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-process Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Kind kind() {
        return kind;
    }

    /** Client properties that reach this broker; add serializers and group ids as needed. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Creates a topic and waits until it exists; an existing topic is fine. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Could not create topic " + name + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    /** The configuration a Quarkus service under test needs to reach this broker. */
    public Map<String, String> quarkusConfig() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers);
    }

    @Override
    public void close() throws Exception {
        resource.close();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Stopping the test Kafka broker failed: " + e.getMessage());
        }
    }
}
