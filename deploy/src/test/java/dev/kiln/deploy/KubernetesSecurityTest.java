package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The security half of the rendered objects: pod and container security contexts, writable paths,
 * NetworkPolicies (evaluated, not compared), API keys from a Secret, TLS from a Secret, and the
 * gateway's memory split between heap and off-heap.
 */
class KubernetesSecurityTest {

    private static final Map<String, String> TOKENIZER = pod("tokenizer-service");
    private static final Map<String, String> CORPUS = pod("corpus-service");
    private static final Map<String, String> TRAINER = pod("trainer-service");
    private static final Map<String, String> GATEWAY = pod("inference-gateway");
    private static final Map<String, String> CONSOLE = pod("console");
    private static final Map<String, Map<String, String>> KILN_PODS = Map.of(
            "tokenizer-service", TOKENIZER,
            "corpus-service", CORPUS,
            "trainer-service", TRAINER,
            "inference-gateway", GATEWAY,
            "console", CONSOLE);
    private static final Map<String, Integer> PORTS = Map.of(
            "tokenizer-service",
            9101,
            "corpus-service",
            9102,
            "trainer-service",
            9103,
            "inference-gateway",
            9104,
            "console",
            9100);
    /** A pod in the namespace that is not Kiln's (a debug pod, an operator). */
    private static final Map<String, String> STRANGER = Map.of("app", "debug");
    /** A pod outside the namespace. */
    private static final Map<String, String> OUTSIDE = null;
    /** The dev overlay's Strimzi broker pods. */
    private static final Map<String, String> KAFKA_BROKER = Map.of(
            "strimzi.io/cluster", "kiln",
            "strimzi.io/kind", "Kafka",
            "strimzi.io/name", "kiln-kafka",
            "strimzi.io/pool-name", "dual-role");

    /** Rendered once per overlay: the checks only read the objects. */
    private static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();

    private static List<HasMetadata> render(String overlay) throws Exception {
        List<HasMetadata> objects = RENDERED.get(overlay);
        if (objects == null) {
            objects = KubernetesManifestsTest.render(overlay);
            RENDERED.put(overlay, objects);
        }
        return objects;
    }

    private static Map<String, String> pod(String name) {
        return Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/part-of", "kiln");
    }

    private record Workload(String name, PodTemplateSpec template, List<String> claimTemplates) {
        PodSpec spec() {
            return template.getSpec();
        }

        Container container() {
            return spec().getContainers().get(0);
        }
    }

    private static List<Workload> workloads(List<HasMetadata> objects) {
        List<Workload> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                out.add(new Workload(d.getMetadata().getName(), d.getSpec().getTemplate(), List.of()));
            } else if (o instanceof StatefulSet s) {
                out.add(new Workload(
                        s.getMetadata().getName(),
                        s.getSpec().getTemplate(),
                        s.getSpec().getVolumeClaimTemplates().stream()
                                .map(c -> c.getMetadata().getName())
                                .toList()));
            }
        }
        return out;
    }

    private static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Map<String, String> config(List<HasMetadata> objects, Workload w) {
        String name = w.container().getEnvFrom().get(0).getConfigMapRef().getName();
        return ofType(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(w.name() + ": no ConfigMap " + name))
                .getData();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
    void everyPodRunsUnprivilegedOnAReadOnlyRoot(String overlay) throws Exception {
        List<Workload> workloads = workloads(render(overlay));
        assertThat(workloads).hasSize(5);
        for (Workload w : workloads) {
            PodSecurityContext pod = w.spec().getSecurityContext();
            assertThat(pod).as("%s pod securityContext", w.name()).isNotNull();
            assertThat(pod.getRunAsNonRoot()).as("%s runAsNonRoot", w.name()).isTrue();
            assertThat(pod.getRunAsUser()).as("%s runAsUser", w.name()).isEqualTo(185L);
            assertThat(pod.getRunAsGroup()).as("%s runAsGroup", w.name()).isEqualTo(185L);
            assertThat(pod.getFsGroup()).as("%s fsGroup", w.name()).isEqualTo(185L);
            assertThat(pod.getSeccompProfile().getType()).as(w.name()).isEqualTo("RuntimeDefault");
            assertThat(w.spec().getAutomountServiceAccountToken())
                    .as("%s mounts no service-account token", w.name())
                    .isFalse();

            for (Container c : w.spec().getContainers()) {
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as("%s container securityContext", c.getName()).isNotNull();
                assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation())
                        .as("%s allowPrivilegeEscalation", c.getName())
                        .isFalse();
                assertThat(sc.getReadOnlyRootFilesystem())
                        .as("%s readOnlyRootFilesystem", c.getName())
                        .isTrue();
                assertThat(sc.getPrivileged()).as(c.getName()).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
    void everyWritablePathIsAVolume(String overlay) throws Exception {
        List<HasMetadata> objects = render(overlay);
        for (Workload w : workloads(objects)) {
            List<String> volumes = new ArrayList<>(w.claimTemplates());
            w.spec().getVolumes().forEach(v -> volumes.add(v.getName()));
            List<VolumeMount> mounts = w.container().getVolumeMounts();
            for (VolumeMount m : mounts) {
                assertThat(volumes)
                        .as("%s mounts %s from a volume of the pod", w.name(), m.getMountPath())
                        .contains(m.getName());
            }
            assertThat(mounts)
                    .as("%s: java.io.tmpdir (/tmp: JVM, Vert.x, native libraries) is a writable emptyDir", w.name())
                    .anySatisfy(m -> {
                        assertThat(m.getMountPath()).isEqualTo("/tmp");
                        assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                        assertThat(volume(w, m.getName()).getEmptyDir()).isNotNull();
                    });
            // Every directory a service writes (the gateway only reads its models) is a writable mount.
            config(objects, w).forEach((key, value) -> {
                if (key.matches("KILN_(TOKENIZER|CORPUS|TRAINER)_[A-Z]+_DIR")) {
                    assertThat(mounts)
                            .as("%s writes %s=%s onto a writable volume", w.name(), key, value)
                            .anySatisfy(m -> {
                                assertThat(value).startsWith(m.getMountPath());
                                assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                            });
                }
            });
        }
    }

    private static Volume volume(Workload w, String name) {
        return w.spec().getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
    void onlyTheGatewayIsReachableFromOutsideTheNamespace(String overlay) throws Exception {
        List<HasMetadata> objects = render(overlay);
        NetworkReach net = new NetworkReach(ofType(objects, NetworkPolicy.class));

        assertThat(ofType(objects, NetworkPolicy.class))
                .as("a default-deny ingress policy for every pod of the namespace")
                .anySatisfy(p -> {
                    assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
                    assertThat(p.getSpec().getPodSelector().getMatchExpressions())
                            .isNullOrEmpty();
                    assertThat(p.getSpec().getPolicyTypes()).contains("Ingress");
                    assertThat(p.getSpec().getIngress()).isNullOrEmpty();
                });
        for (Map<String, String> pod : List.of(TOKENIZER, CORPUS, TRAINER, GATEWAY, CONSOLE, STRANGER, KAFKA_BROKER)) {
            assertThat(net.selecting(pod, "Ingress"))
                    .as("ingress policies for %s", pod)
                    .isNotEmpty();
        }
        KILN_PODS.forEach((name, pod) -> assertThat(net.selecting(pod, "Egress"))
                .as("egress policies for %s", name)
                .isNotEmpty());

        assertThat(net.ingressAllowed(OUTSIDE, GATEWAY, 9104))
                .as("the gateway's port is open")
                .isTrue();
        assertThat(net.ingressAllowed(OUTSIDE, GATEWAY, 9999))
                .as("only its port")
                .isFalse();
        for (String name : List.of("tokenizer-service", "corpus-service", "trainer-service", "console")) {
            assertThat(net.ingressAllowed(OUTSIDE, KILN_PODS.get(name), PORTS.get(name)))
                    .as("%s is closed to the world", name)
                    .isFalse();
        }

        assertThat(net.allowed(CORPUS, TOKENIZER, 9101))
                .as("corpus → tokenizer")
                .isTrue();
        assertThat(net.allowed(TRAINER, TOKENIZER, 9101))
                .as("trainer → tokenizer")
                .isTrue();
        assertThat(net.ingressAllowed(GATEWAY, TOKENIZER, 9101))
                .as("the gateway embeds tokenizer-core: the tokenizer does not take it")
                .isFalse();
        assertThat(net.egressAllowed(GATEWAY, TOKENIZER, 9101))
                .as("nor does the gateway send to it")
                .isFalse();
        assertThat(net.ingressAllowed(STRANGER, TOKENIZER, 9101))
                .as("no one else reaches the tokenizer")
                .isFalse();
        assertThat(net.allowed(CORPUS, TRAINER, 9103))
                .as("services do not call the trainer")
                .isFalse();
        assertThat(net.allowed(TOKENIZER, CORPUS, 9102))
                .as("services do not call the corpus")
                .isFalse();
        assertThat(net.ingressAllowed(STRANGER, CORPUS, 9102))
                .as("an admin pod in the namespace reaches the corpus")
                .isTrue();
        assertThat(net.ingressAllowed(STRANGER, TRAINER, 9103))
                .as("an admin pod in the namespace reaches the trainer")
                .isTrue();
        assertThat(net.ingressAllowed(STRANGER, CONSOLE, 9100))
                .as("an operator's pod in the namespace (or port-forward) reaches the console")
                .isTrue();
        PORTS.forEach((name, port) -> {
            if (!name.equals("console")) {
                assertThat(net.allowed(CONSOLE, KILN_PODS.get(name), port))
                        .as("console → %s", name)
                        .isTrue();
                assertThat(net.allowed(KILN_PODS.get(name), CONSOLE, 9100))
                        .as("no service calls the console: %s", name)
                        .isFalse();
            }
        });

        KILN_PODS.forEach((name, pod) -> {
            assertThat(net.egressAllowed(pod, OUTSIDE, "UDP", 53))
                    .as("%s resolves names", name)
                    .isTrue();
            assertThat(net.egressAllowed(pod, OUTSIDE, 443))
                    .as("%s calls nothing outside", name)
                    .isFalse();
        });
        for (Map<String, String> client : List.of(CORPUS, TRAINER, GATEWAY)) {
            assertThat(net.egressAllowed(client, KAFKA_BROKER, 9092))
                    .as("%s reaches Kafka", client)
                    .isTrue();
        }
    }

    @Test
    void devKafkaTakesClientsFromTheServicesOnly() throws Exception {
        List<HasMetadata> objects = render("overlays/dev");
        NetworkReach net = new NetworkReach(ofType(objects, NetworkPolicy.class));
        for (Map<String, String> client : List.of(CORPUS, TRAINER, GATEWAY)) {
            assertThat(net.allowed(client, KAFKA_BROKER, 9092))
                    .as("%s → Kafka", client)
                    .isTrue();
            assertThat(net.egressAllowed(client, OUTSIDE, 9092))
                    .as("%s sends Kafka traffic to the dev brokers only", client)
                    .isFalse();
        }
        assertThat(net.ingressAllowed(STRANGER, KAFKA_BROKER, 9092)).isFalse();
        assertThat(net.ingressAllowed(OUTSIDE, KAFKA_BROKER, 9092)).isFalse();
        assertThat(net.egressAllowed(STRANGER, OUTSIDE, 443))
                .as("egress is closed for Kiln's pods only (Strimzi's operators need the API server)")
                .isTrue();

        HasMetadata kafka = objects.stream()
                .filter(o -> o.getKind().equals("Kafka"))
                .findFirst()
                .orElseThrow();
        String rendered = io.fabric8.kubernetes.client.utils.Serialization.asYaml(kafka);
        assertThat(rendered)
                .as("the Strimzi listener names its peers, so Strimzi's own policy is as narrow as ours")
                .contains("networkPolicyPeers")
                .contains("corpus-service", "trainer-service", "inference-gateway");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
    void everyServiceRequiresApiKeysFromASecret(String overlay) throws Exception {
        List<HasMetadata> objects = render(overlay);
        for (Workload w : workloads(objects)) {
            Map<String, String> config = config(objects, w);
            if (w.name().equals("console")) {
                // It checks no keys and holds none: each user's own key, typed into the page, goes with every call.
                assertThat(config.keySet()).as("console config").noneMatch(k -> k.startsWith("KILN_AUTH"));
                assertThat(w.container().getEnv()).as("console env").isNullOrEmpty();
                assertThat(w.spec().getVolumes())
                        .as("console mounts no key Secret")
                        .noneMatch(v -> v.getSecret() != null
                                && v.getSecret().getSecretName().startsWith("kiln-api-keys"));
                continue;
            }
            assertThat(config).as(w.name()).containsEntry("KILN_AUTH_ENABLED", "true");
            String keyFile = config.get("KILN_AUTH_API_KEYS_FILE");
            assertThat(keyFile).as("%s KILN_AUTH_API_KEYS_FILE", w.name()).isNotBlank();
            assertThat(w.container().getVolumeMounts())
                    .as("%s mounts the key file read-only from the Secret kiln-api-keys", w.name())
                    .anySatisfy(m -> {
                        assertThat(keyFile).isEqualTo(m.getMountPath() + "/api-keys");
                        assertThat(m.getReadOnly()).isTrue();
                        Volume v = volume(w, m.getName());
                        assertThat(v.getSecret()).isNotNull();
                        assertThat(v.getSecret().getSecretName()).startsWith("kiln-api-keys");
                        assertThat(v.getSecret().getItems())
                                .anySatisfy(i -> assertThat(i.getKey()).isEqualTo("api-keys"));
                    });
            // The probes ask the open endpoints (health stays unauthenticated).
            assertThat(w.container().getLivenessProbe().getHttpGet().getPath()).startsWith("/q/health");
        }
        List<Secret> secrets = ofType(objects, Secret.class);
        if (overlay.equals("overlays/dev")) {
            assertThat(secrets).singleElement().satisfies(s -> {
                String keys =
                        new String(Base64.getMimeDecoder().decode(s.getData().get("api-keys")), StandardCharsets.UTF_8);
                assertThat(keys).contains("kiln-dev-insecure-key generate,admin");
            });
        } else {
            assertThat(secrets).as("%s commits no keys", overlay).isEmpty();
        }
    }

    @Test
    void theGatewayHeapLeavesRoomForTheOffHeapCache() throws Exception {
        for (String overlay : List.of("base", "overlays/dev", "overlays/gpu")) {
            List<HasMetadata> objects = render(overlay);
            Workload gateway = workloads(objects).stream()
                    .filter(w -> w.name().equals("inference-gateway"))
                    .findFirst()
                    .orElseThrow();
            Map<String, String> config = config(objects, gateway);
            int heapPercent = Integer.parseInt(config.get("JAVA_MAX_MEM_RATIO"));
            assertThat(heapPercent).as("%s gateway heap share", overlay).isBetween(10, 50);
            String toolOptions = config.getOrDefault("JAVA_TOOL_OPTIONS", "");
            assertThat(toolOptions)
                    .as("a MaxRAMPercentage here would lose against run-java.sh's; use JAVA_MAX_MEM_RATIO")
                    .doesNotContain("MaxRAMPercentage");
            Matcher direct = Pattern.compile("-XX:MaxDirectMemorySize=(\\d+)g").matcher(toolOptions);
            assertThat(direct.find())
                    .as("direct buffers (the KV cache) get their own cap")
                    .isTrue();
            long gib = 1L << 30;
            long directBytes = Long.parseLong(direct.group(1)) * gib;
            long limit = Quantity.getAmountInBytes(
                            gateway.container().getResources().getLimits().get("memory"))
                    .longValue();
            long heap = limit * heapPercent / 100;
            // GPT-2 small at max-batch 32, full context, fp32: 2 sets × 2 (k, v) × 12 × 12 × 64 × 1024 × 32 × 4.
            long cache = 2L * 2 * 12 * 12 * 64 * 1024 * 32 * 4;
            assertThat(directBytes)
                    .as("direct cap holds the default model's cache")
                    .isGreaterThanOrEqualTo(cache);
            assertThat(limit - heap - directBytes)
                    .as("%s: room left for ONNX Runtime's weights and arena and the JVM", overlay)
                    .isGreaterThanOrEqualTo(2 * gib);
        }
        for (String other : List.of("tokenizer-service", "corpus-service", "trainer-service")) {
            Workload w = workloads(render("base")).stream()
                    .filter(x -> x.name().equals(other))
                    .findFirst()
                    .orElseThrow();
            assertThat(config(render("base"), w)).as(other).containsKey("JAVA_MAX_MEM_RATIO");
        }
    }

    @Test
    void theTlsComponentServesEveryPortFromTheKilnTlsSecret() throws Exception {
        // An overlay of the base with the component, as an operator would write it.
        Path dir = Path.of("target", "tls-overlay");
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("kustomization.yaml"),
                "resources: [../../kubernetes/base]\ncomponents: [../../kubernetes/components/tls]\n");
        List<HasMetadata> objects =
                render(Path.of("..", "target", "tls-overlay").toString());
        for (Workload w : workloads(objects)) {
            Map<String, String> config = config(objects, w);
            assertThat(config)
                    .as(w.name())
                    .containsEntry("QUARKUS_TLS_KEY_STORE_PEM_0_CERT", "/etc/kiln/tls/tls.crt")
                    .containsEntry("QUARKUS_TLS_KEY_STORE_PEM_0_KEY", "/etc/kiln/tls/tls.key")
                    .containsEntry("QUARKUS_TLS_TRUST_STORE_PEM_CERTS", "/etc/kiln/tls/ca.crt")
                    .containsEntry("QUARKUS_HTTP_SSL_PORT", config.get("QUARKUS_HTTP_PORT"))
                    .containsEntry("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
            assertThat(w.container().getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getMountPath()).isEqualTo("/etc/kiln/tls");
                assertThat(m.getReadOnly()).isTrue();
                assertThat(volume(w, m.getName()).getSecret().getSecretName()).isEqualTo("kiln-tls");
            });
            Container c = w.container();
            for (Probe p : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
                assertThat(p.getGrpc())
                        .as("%s: gRPC probes cannot speak TLS", w.name())
                        .isNull();
                assertThat(p.getHttpGet().getScheme()).as(w.name()).isEqualTo("HTTPS");
            }
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        }
    }
}
