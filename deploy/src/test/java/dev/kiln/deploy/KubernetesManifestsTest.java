package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every kustomize overlay with kubectl, as a user would, and checks that the objects fit
 * together: what a typo in a label or a port would silently break on a cluster.
 */
class KubernetesManifestsTest {

    private static final List<String> SERVICES =
            List.of("tokenizer-service", "corpus-service", "trainer-service", "inference-gateway", "console");
    /** The console serves HTTP only (no gRPC health service) and runs one replica. */
    private static final String CONSOLE = "console";

    /** A workload's name and pod template. */
    private record Workload(String name, Map<String, String> selector, PodTemplateSpec template) {}

    static List<HasMetadata> render(String overlay) throws IOException, InterruptedException {
        Path dir = Path.of("kubernetes", overlay).toAbsolutePath();
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectErrorStream(false)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render the manifests (kubectl kustomize); install it", e);
        }
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue())
                .as("kubectl kustomize %s: %s", overlay, err)
                .isZero();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : new String(out, StandardCharsets.UTF_8).split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                objects.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return objects;
    }

    private static List<Workload> workloads(List<HasMetadata> objects) {
        List<Workload> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                out.add(new Workload(
                        d.getMetadata().getName(),
                        d.getSpec().getSelector().getMatchLabels(),
                        d.getSpec().getTemplate()));
            } else if (o instanceof StatefulSet s) {
                out.add(new Workload(
                        s.getMetadata().getName(),
                        s.getSpec().getSelector().getMatchLabels(),
                        s.getSpec().getTemplate()));
            }
        }
        return out;
    }

    private static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/gpu"})
    void everyOverlayRendersIntoObjectsThatFitTogether(String overlay) throws Exception {
        List<HasMetadata> objects = render(overlay);
        List<Workload> workloads = workloads(objects);
        assertThat(workloads).extracting(Workload::name).containsExactlyInAnyOrderElementsOf(SERVICES);

        for (Workload w : workloads) {
            assertThat(selects(w.selector(), w.template().getMetadata().getLabels()))
                    .as("%s: selector %s matches its pod labels", w.name(), w.selector())
                    .isTrue();
            List<Container> containers = w.template().getSpec().getContainers();
            assertThat(containers).as(w.name()).hasSize(1);
            Container c = containers.get(0);
            assertThat(c.getImage())
                    .as("%s image", w.name())
                    .startsWith("ghcr.io/kiln-dev/")
                    .contains(":");
            assertThat(c.getResources().getRequests())
                    .as("%s requests", w.name())
                    .containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).as("%s limits", w.name()).containsKeys("cpu", "memory");
            assertThat(c.getPorts()).as("%s ports", w.name()).hasSize(1);
            int port = c.getPorts().get(0).getContainerPort();
            Probe readiness = c.getReadinessProbe();
            assertThat(readiness).as("%s has a readiness probe", w.name()).isNotNull();
            if (w.name().equals(CONSOLE)) {
                assertThat(readiness.getHttpGet().getPath()).isEqualTo("/q/health/ready");
                assertThat(readiness.getHttpGet().getPort().getIntVal()).isEqualTo(port);
            } else {
                assertThat(readiness.getGrpc())
                        .as("%s readiness asks the gRPC health service", w.name())
                        .isNotNull();
                assertThat(readiness.getGrpc().getPort())
                        .as("%s readiness port", w.name())
                        .isEqualTo(port);
            }
            for (Probe probe : new Probe[] {c.getLivenessProbe(), c.getStartupProbe()}) {
                assertThat(probe)
                        .as("%s has liveness and startup probes", w.name())
                        .isNotNull();
                assertThat(probe.getHttpGet())
                        .as("%s liveness does not wait for readiness", w.name())
                        .isNotNull();
                assertThat(probe.getHttpGet().getPath()).isEqualTo("/q/health/live");
                assertThat(probe.getHttpGet().getPort().getIntVal())
                        .as("%s liveness port", w.name())
                        .isEqualTo(port);
            }
        }

        for (Service service : ofType(objects, Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<Workload> targets = workloads.stream()
                    .filter(w -> selects(selector, w.template().getMetadata().getLabels()))
                    .toList();
            assertThat(targets)
                    .as("service %s selects a workload", service.getMetadata().getName())
                    .hasSize(1);
            List<ContainerPort> ports =
                    targets.get(0).template().getSpec().getContainers().get(0).getPorts();
            for (ServicePort sp : service.getSpec().getPorts()) {
                assertThat(ports)
                        .as(
                                "service %s port %s targets a container port",
                                service.getMetadata().getName(), sp.getName())
                        .anySatisfy(cp -> {
                            assertThat(cp.getName())
                                    .isEqualTo(sp.getTargetPort().getStrVal());
                            assertThat(cp.getContainerPort()).isEqualTo(sp.getPort());
                        });
            }
        }
        for (String name : SERVICES) {
            assertThat(ofType(objects, Service.class))
                    .as("a Service for %s", name)
                    .anySatisfy(s -> assertThat(s.getMetadata().getName()).isEqualTo(name));
        }

        for (PodDisruptionBudget pdb : ofType(objects, PodDisruptionBudget.class)) {
            assertThat(workloads)
                    .as("PDB %s selects a workload", pdb.getMetadata().getName())
                    .anySatisfy(w -> assertThat(selects(
                                    pdb.getSpec().getSelector().getMatchLabels(),
                                    w.template().getMetadata().getLabels()))
                            .isTrue());
        }
        // Every service but the console: one replica, which a budget would keep a node drain waiting on.
        assertThat(ofType(objects, PodDisruptionBudget.class)).hasSize(SERVICES.size() - 1);

        List<HorizontalPodAutoscaler> hpas = ofType(objects, HorizontalPodAutoscaler.class);
        assertThat(hpas).singleElement().satisfies(hpa -> {
            assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("inference-gateway");
            assertThat(hpa.getSpec().getMinReplicas())
                    .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        });
        assertThat(ofType(objects, Service.class))
                .as("a headless Service lets gRPC clients balance over gateways")
                .anySatisfy(s -> {
                    assertThat(s.getMetadata().getName()).isEqualTo("inference-gateway-headless");
                    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
                });
    }

    @Test
    void devRunsOneReplicaEachWithAStrimziKafka() throws Exception {
        List<HasMetadata> objects = render("overlays/dev");
        assertThat(objects)
                .filteredOn(o -> o.getKind().equals("Kafka"))
                .singleElement()
                .satisfies(k -> assertThat(k.getMetadata().getName()).isEqualTo("kiln"));
        assertThat(objects).filteredOn(o -> o.getKind().equals("KafkaNodePool")).hasSize(1);
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                assertThat(d.getSpec().getReplicas())
                        .as(d.getMetadata().getName())
                        .isEqualTo(1);
            } else if (o instanceof StatefulSet s) {
                assertThat(s.getSpec().getReplicas())
                        .as(s.getMetadata().getName())
                        .isEqualTo(1);
            }
            if (!o.getKind().equals("PersistentVolumeClaim")) {
                assertThat(o.getMetadata().getNamespace())
                        .as(o.getKind() + " " + o.getMetadata().getName())
                        .isEqualTo("kiln-dev");
            }
        }
    }

    @Test
    void gpuGatewaysAskForAGpuAndTurnOnCuda() throws Exception {
        Deployment gateway = ofType(render("overlays/gpu"), Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("inference-gateway"))
                .findFirst()
                .orElseThrow();
        Container c = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(c.getResources().getLimits().get("nvidia.com/gpu").getAmount())
                .isEqualTo("1");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("KILN_INFERENCE_EXECUTION_PROVIDER");
            assertThat(e.getValue()).isEqualTo("cuda");
        });
        assertThat(c.getImage()).contains("inference-gateway-gpu");
    }
}
