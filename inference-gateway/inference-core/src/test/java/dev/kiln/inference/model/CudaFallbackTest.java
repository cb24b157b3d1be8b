package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.kiln.inference.testing.TestBundles;
import dev.kiln.trainer.GptConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No machine here has a GPU: asking for CUDA must give a working CPU session and a reason that says why. */
class CudaFallbackTest {

    @Test
    void cudaRequestedWithoutTheGpuBuildFallsBackToCpu(@TempDir Path dir) throws Exception {
        TestBundles.write(TestBundles.randomModel(GptConfig.of(1, 2, 16, 16, TestBundles.vocab()), 3), dir);
        OrtSessions.Opened o = OrtSessions.open(
                OrtEnvironment.getEnvironment(),
                dir.resolve("model.onnx"),
                new OrtSessions.Options(DecoderModel.Provider.CUDA, 1, CudaOptions.DEFAULT));
        try (var session = o.session()) {
            assertThat(o.provider()).isEqualTo(DecoderModel.Provider.CPU);
            assertThat(o.fallbackReason()).contains("no CUDA provider").contains("onnxruntime_gpu");
            assertThat(session.getInputNames()).contains("input_ids");
        }
    }

    @Test
    void cudaWithArenaOptionsStillFallsBackToCpuWithTheSameReason(@TempDir Path dir) throws Exception {
        TestBundles.write(TestBundles.randomModel(GptConfig.of(1, 2, 16, 16, TestBundles.vocab()), 3), dir);
        CudaOptions cuda = new CudaOptions(1, 2L << 30, CudaOptions.ArenaExtendStrategy.SAME_AS_REQUESTED);
        OrtSessions.Opened o = OrtSessions.open(
                OrtEnvironment.getEnvironment(),
                dir.resolve("model.onnx"),
                new OrtSessions.Options(DecoderModel.Provider.CUDA, 1, cuda));
        try (var session = o.session()) {
            assertThat(o.provider()).isEqualTo(DecoderModel.Provider.CPU);
            assertThat(o.fallbackReason()).contains("no CUDA provider").contains("onnxruntime_gpu");
            assertThat(session.getInputNames()).contains("input_ids");
        }
    }

    @Test
    void cpuRequestedNeedsNoReason(@TempDir Path dir) throws Exception {
        TestBundles.write(TestBundles.randomModel(GptConfig.of(1, 2, 16, 16, TestBundles.vocab()), 3), dir);
        OrtSessions.Opened o = OrtSessions.open(
                OrtEnvironment.getEnvironment(), dir.resolve("model.onnx"), OrtSessions.Options.cpu(1));
        o.session().close();
        assertThat(o.provider()).isEqualTo(DecoderModel.Provider.CPU);
        assertThat(o.fallbackReason()).isNull();
    }

    @Test
    void missingCudaLibrariesReadAsSuch() {
        // The messages ONNX Runtime's GPU build gives when the CUDA provider library cannot load its dependencies.
        assertThat(
                        OrtSessions.explainCudaFailure(
                                new OrtException(
                                        "Error loading \"libonnxruntime_providers_cuda.so\" which depends on \"libcudnn.so.9\" which is missing.")))
                .startsWith("cuDNN 9 is missing");
        assertThat(
                        OrtSessions.explainCudaFailure(
                                new OrtException(
                                        "Error loading \"libonnxruntime_providers_cuda.so\" which depends on \"libcublasLt.so.12\" which is missing.")))
                .startsWith("cuBLAS from CUDA 12 is missing");
        assertThat(OrtSessions.explainCudaFailure(
                        new OrtException("CUDA failure 100: no CUDA-capable device is detected")))
                .startsWith("no usable CUDA 12 runtime or GPU");
        assertThat(OrtSessions.explainCudaFailure(new OrtException("Failed to find CUDA shared provider")))
                .startsWith("this ONNX Runtime build has no CUDA provider");
    }
}
