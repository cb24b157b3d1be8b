package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The GPU gateway image can only be built where a container engine runs, so what can drift
 * silently is checked here: the -Pgpu profile builds on the base image that the Containerfile
 * makes, that base carries what ONNX Runtime 1.23's CUDA provider loads (CUDA 12, cuDNN 9) and a
 * Java 17 runtime, and the gpu overlay runs the image that profile names.
 */
class GpuImageTest {
    private static final Path CONTAINERFILE = Path.of("images/gateway-gpu-base/Containerfile");

    @Test
    void theGpuProfileBuildsOnTheCudaBaseTheContainerfileMakes() throws Exception {
        String containerfile = Files.readString(CONTAINERFILE);
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(containerfile);
        assertThat(from.find()).as("FROM line").isTrue();
        assertThat(from.group(1)).matches("docker\\.io/nvidia/cuda:12\\.\\d+\\.\\d+-cudnn-runtime-\\S+");
        assertThat(containerfile).contains("openjdk-17-jre-headless");

        Matcher tag = Pattern.compile("docker build -t (\\S+) deploy/images/gateway-gpu-base")
                .matcher(containerfile);
        assertThat(tag.find()).as("the build command names the tag").isTrue();
        assertThat(gpuProfileProperty("quarkus.jib.base-jvm-image")).isEqualTo(tag.group(1));
    }

    @Test
    void theGpuOverlayRunsTheImageTheGpuProfileBuilds() throws Exception {
        String name = gpuProfileProperty("quarkus.container-image.name");
        String overlay = Files.readString(Path.of("kubernetes/overlays/gpu/kustomization.yaml"));
        assertThat(overlay).containsPattern("newName: \\S+/" + Pattern.quote(name) + "\\n");
    }

    private static String gpuProfileProperty(String property) throws Exception {
        Element pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("../inference-gateway/pom.xml").toFile())
                .getDocumentElement();
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (profile.getElementsByTagName("id").item(0).getTextContent().equals("gpu")) {
                NodeList values = profile.getElementsByTagName(property);
                assertThat(values.getLength())
                        .as("%s in the gpu profile", property)
                        .isEqualTo(1);
                return values.item(0).getTextContent().trim();
            }
        }
        throw new AssertionError("inference-gateway/pom.xml has no gpu profile");
    }
}
