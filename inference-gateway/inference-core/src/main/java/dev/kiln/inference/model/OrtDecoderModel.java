package dev.kiln.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/**
 * A decoder graph in the Optimum key/value-cache convention, served by ONNX Runtime. The shape
 * (layers, kv heads, head size, cache dtype, logits width) comes from the graph's own input and
 * output metadata, with config.json filling dimensions the graph leaves symbolic.
 */
public final class OrtDecoderModel implements DecoderModel {
    private static final String MERGED_FILE = "decoder_model_merged.onnx";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final IoNames io;
    private final ModelShape shape;
    private final LogitsOutput logits;
    private final TensorInfo logitsToKeep;
    private final Provider provider;
    private final String fallbackReason;

    private OrtDecoderModel(
            OrtEnvironment env,
            OrtSessions.Opened opened,
            IoNames io,
            ModelShape shape,
            LogitsOutput logits,
            TensorInfo logitsToKeep) {
        this.env = env;
        this.session = opened.session();
        this.provider = opened.provider();
        this.fallbackReason = opened.fallbackReason();
        this.io = io;
        this.shape = shape;
        this.logits = logits;
        this.logitsToKeep = logitsToKeep;
    }

    /**
     * Opens {@code dir/<modelFile>} and reads its I/O.
     *
     * @throws InvalidBundleException when the graph does not look like a KV-cache decoder
     */
    public static OrtDecoderModel open(Path dir, BundleConfig cfg, OrtSessions.Options options) {
        Path file = dir.resolve(cfg.modelFile());
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new InvalidBundleException("no " + cfg.modelFile() + " in " + dir);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSessions.Opened opened;
        try {
            opened = OrtSessions.open(env, file, options);
        } catch (OrtException e) {
            throw new InvalidBundleException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> in = opened.session().getInputInfo();
            Map<String, NodeInfo> out = opened.session().getOutputInfo();
            IoNames io = IoNames.resolve(cfg.io(), in.keySet(), out.keySet());
            if (file.getFileName().toString().equals(MERGED_FILE) && io.useCacheBranch() == null) {
                // Optimum names this file only for the If graph; without the input it is some other
                // export, whose first step we would run blind
                throw new InvalidBundleException(cfg.modelFile() + " has no use_cache_branch input, so it is not "
                        + "an Optimum merged decoder (inputs: " + in.keySet() + "); export it with "
                        + "use_cache_branch, or name a plain decoder model.onnx");
            }
            TensorInfo past = (TensorInfo) in.get(io.pastKeys().get(0)).getInfo();
            LogitsOutput logits = LogitsOutput.declared(
                    io.logits(), (TensorInfo) out.get(io.logits()).getInfo(), cfg.vocabSize());
            TensorInfo keep = io.logitsToKeep() == null ? null : logitsToKeep(io.logitsToKeep(), in);
            long[] ps = past.getShape();
            if (ps.length != 4) {
                throw new InvalidBundleException(
                        "past key input must be 4-D [batch, kv_heads, past, head_dim], is " + past);
            }
            if (past.type != OnnxJavaType.FLOAT && past.type != OnnxJavaType.FLOAT16) {
                throw new InvalidBundleException("key/value cache must be float32 or float16, is " + past.type);
            }
            int kvHeads = ps[1] > 0 ? (int) ps[1] : cfg.nKvHead();
            int headDim = ps[3] > 0 ? (int) ps[3] : (cfg.nHead() > 0 ? cfg.nEmbd() / cfg.nHead() : -1);
            if (kvHeads <= 0 || headDim <= 0) {
                throw new InvalidBundleException("cannot tell kv heads / head size: the graph leaves them symbolic and "
                        + "config.json lacks n_head/n_kv_head/n_embd");
            }
            if (cfg.nLayer() > 0 && cfg.nLayer() != io.layers()) {
                throw new InvalidBundleException("config.json says n_layer=" + cfg.nLayer() + " but the graph has "
                        + io.layers() + " key/value inputs");
            }
            ModelShape shape = new ModelShape(
                    io.layers(), kvHeads, headDim, logits.vocab(), cfg.context(), past.type == OnnxJavaType.FLOAT16);
            return new OrtDecoderModel(env, opened, io, shape, logits, keep);
        } catch (OrtException | RuntimeException e) {
            try {
                opened.session().close();
            } catch (OrtException ignored) {
                // already failing
            }
            if (e instanceof InvalidBundleException ib) {
                throw ib;
            }
            throw new InvalidBundleException(e.getMessage(), e);
        }
    }

    /** transformers' count input takes an int64 (or int32) scalar or [1]; 1-D index tensors are not fed. */
    private static TensorInfo logitsToKeep(String name, Map<String, NodeInfo> in) {
        TensorInfo t = (TensorInfo) in.get(name).getInfo();
        long[] d = t.getShape();
        boolean integer = t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32;
        if (!integer || d.length > 1 || (d.length == 1 && d[0] >= 0 && d[0] != 1)) {
            throw new InvalidBundleException("input '" + name + "' is " + t.type + " " + LogitsOutput.describe(t)
                    + "; the gateway feeds it the count 1 as an int64 or int32 scalar or [1]");
        }
        return t;
    }

    @Override
    public ModelShape shape() {
        return shape;
    }

    @Override
    public Provider provider() {
        return provider;
    }

    /** Why CUDA was not used although configured; null when it was, or was not asked for. */
    public String fallbackReason() {
        return fallbackReason;
    }

    public IoNames io() {
        return io;
    }

    LogitsOutput logits() {
        return logits;
    }

    /** The declared type and shape of the logits_to_keep input; null when the graph has none. */
    TensorInfo logitsToKeep() {
        return logitsToKeep;
    }

    OrtEnvironment env() {
        return env;
    }

    OrtSession session() {
        return session;
    }

    @Override
    public DecodeBatch newBatch(int maxBatch) {
        return new OrtDecodeBatch(this, maxBatch);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
