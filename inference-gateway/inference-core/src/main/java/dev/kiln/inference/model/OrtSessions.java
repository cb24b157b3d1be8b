package dev.kiln.inference.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens ONNX Runtime sessions: CUDA when asked for and usable, else CPU with the reason logged.
 * CPU sessions use full graph optimisation, sequential execution and a configurable number of
 * intra-op threads (1 per session was the steadiest on small shared machines).
 */
public final class OrtSessions {
    private static final System.Logger LOG = System.getLogger(OrtSessions.class.getName());

    /**
     * @param provider         the provider wanted
     * @param intraOpThreads   threads per session for one operator; 0 = ONNX Runtime's default
     * @param cuda             CUDA provider options (device, memory arena), used with CUDA
     */
    public record Options(DecoderModel.Provider provider, int intraOpThreads, CudaOptions cuda) {
        public static Options cpu(int threads) {
            return new Options(DecoderModel.Provider.CPU, threads, CudaOptions.DEFAULT);
        }
    }

    /** An open session, the provider it really uses and, after a fallback, why. */
    public record Opened(OrtSession session, DecoderModel.Provider provider, String fallbackReason) {}

    private OrtSessions() {}

    public static Opened open(OrtEnvironment env, Path model, Options o) throws OrtException {
        String reason = null;
        if (o.provider() == DecoderModel.Provider.CUDA) {
            OrtSession.SessionOptions so = baseOptions(o);
            OrtCUDAProviderOptions cuda = null;
            try {
                // The CPU-only build fails here already ("not enabled in this build"): same fallback.
                cuda = new OrtCUDAProviderOptions();
                for (Map.Entry<String, String> e : o.cuda().providerOptions().entrySet()) {
                    cuda.add(e.getKey(), e.getValue());
                }
                so.addCUDA(cuda);
                OrtSession s = env.createSession(model.toString(), so);
                LOG.log(
                        Level.INFO,
                        "{0}: running on CUDA device {1} ({2})",
                        model,
                        o.cuda().deviceId(),
                        o.cuda().providerOptions());
                return new Opened(s, DecoderModel.Provider.CUDA, null);
            } catch (OrtException | UnsatisfiedLinkError | RuntimeException e) {
                reason = explainCudaFailure(e);
                LOG.log(
                        Level.WARNING,
                        "{0}: CUDA execution provider unavailable, falling back to CPU: {1}",
                        model,
                        reason);
            } finally {
                so.close();
                if (cuda != null) {
                    cuda.close();
                }
            }
        }
        try (OrtSession.SessionOptions so = baseOptions(o)) {
            return new Opened(env.createSession(model.toString(), so), DecoderModel.Provider.CPU, reason);
        }
    }

    private static OrtSession.SessionOptions baseOptions(Options o) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        if (o.intraOpThreads() > 0) {
            so.setIntraOpNumThreads(o.intraOpThreads());
        }
        so.setInterOpNumThreads(1);
        return so;
    }

    /**
     * Turns ONNX Runtime's registration error into a sentence an operator can act on: which
     * library is missing, or that this is the CPU-only build.
     */
    public static String explainCudaFailure(Throwable e) {
        String m = String.valueOf(e.getMessage());
        String lower = m.toLowerCase();
        String hint;
        if (lower.contains("libcudnn") || lower.contains("cudnn")) {
            hint = "cuDNN 9 is missing (libcudnn*.so.9 not found on the library path)";
        } else if (lower.contains("libcublas") || lower.contains("cublas")) {
            hint = "cuBLAS from CUDA 12 is missing (libcublas*.so.12 not found on the library path)";
        } else if (lower.contains("libcudart")
                || lower.contains("libcuda.so")
                || lower.contains("cuda driver")
                || lower.contains("no cuda-capable device")
                || lower.contains("cudaerror")) {
            hint = "no usable CUDA 12 runtime or GPU (driver/libcudart)";
        } else if (lower.contains("onnxruntime_providers_cuda")
                || lower.contains("not enabled")
                || lower.contains("not supported")
                || lower.contains("not available")
                || lower.contains("provider")) {
            hint = "this ONNX Runtime build has no CUDA provider (use the onnxruntime_gpu jar)";
        } else {
            hint = "CUDA provider registration failed";
        }
        return hint + " [" + e.getClass().getSimpleName() + ": " + m + "]";
    }
}
