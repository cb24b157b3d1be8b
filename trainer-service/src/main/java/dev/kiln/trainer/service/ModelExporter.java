package dev.kiln.trainer.service;

import com.google.protobuf.Timestamp;
import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.ModelPublished;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.tokenizer.BundleTokenizerFiles;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.trainer.Checkpoint;
import dev.kiln.trainer.LanguageModel;
import dev.kiln.trainer.OnnxExporter;
import dev.kiln.trainer.ThreadPool;
import dev.kiln.trainer.runs.Runs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Writes a model bundle from a run's latest checkpoint (model.onnx in the Optimum KV-cache
 * convention, or Optimum's merged decoder when the request asks for it; config.json, generation_config.json and the tokenizer) and, when asked, announces it
 * on the models topic.
 */
@ApplicationScoped
public class ModelExporter {

    @Inject
    Runs runs;

    @Inject
    EncodingProvider encodings;

    @Inject
    TrainerServiceConfig config;

    @Inject
    ModelPublisher publisher;

    @Inject
    TrainerRoots roots;

    /**
     * @throws dev.kiln.proto.PathOutsideRootsException when {@code output_dir} lies outside the
     *     models roots, checked before anything is read or written
     */
    public ModelArtifact export(ExportModelRequest request) {
        Path requestedDir =
                request.getOutputDir().isEmpty() ? null : roots.models().resolve("output_dir", request.getOutputDir());
        OnnxExporter.ExportOptions options = new OnnxExporter.ExportOptions(
                precision(request.getDtype()), config.exportExternalDataThreshold(), request.getMergedDecoder());
        Run run = runs.get(request.getRunId());
        String name = request.getModelName().isEmpty() ? run.getId() : request.getModelName();
        ResourceNames.require("model_name", name);
        Path checkpoint = runs.latestCheckpoint(run.getId());
        Path dir = requestedDir != null
                ? requestedDir
                : Path.of(config.modelsDir()).resolve(name).toAbsolutePath();
        Encoding encoding = encodings.get(run.getConfig().getEncoding());
        int eosId = encoding.endOfText().orElse(-1);
        long step;
        try (ThreadPool pool = new ThreadPool(1)) {
            LanguageModel model = Checkpoint.loadWeights(checkpoint.resolve(Checkpoint.MODEL_FILE), pool);
            OnnxExporter.exportBundle(
                    model,
                    dir,
                    eosId,
                    eosId,
                    OnnxExporter.GenerationDefaults.DEFAULT,
                    options,
                    bundle -> BundleTokenizerFiles.write(encoding, bundle));
            step = run.getCheckpointStep();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot export run " + run.getId() + " to " + dir + ": " + e.getMessage(), e);
        }
        Path onnx = dir.resolve(options.modelFile());
        String sha256 = sha256(onnx);
        ModelArtifact.Builder artifact = ModelArtifact.newBuilder()
                .setName(name)
                .setPath(dir.toString())
                .setSha256(sha256)
                .setSizeBytes(size(onnx) + bundleDataSize(dir.resolve(options.externalDataFile())))
                .setStep((int) step);
        if (request.getPublish()) {
            publisher.publish(ModelPublished.newBuilder()
                    .setName(name)
                    .setBundlePath(dir.toString())
                    .setSha256(sha256)
                    .setRunId(run.getId())
                    .setStep((int) step)
                    .setPublishedAt(now())
                    .build());
            artifact.setPublished(true);
        }
        return artifact.build();
    }

    private static OnnxExporter.Precision precision(String dtype) {
        return switch (dtype) {
            case "", "float32" -> OnnxExporter.Precision.FLOAT32;
            case "float16" -> OnnxExporter.Precision.FLOAT16;
            default ->
                throw new IllegalArgumentException(
                        "dtype \"" + dtype + "\" is unknown; use \"float32\" (default) or \"float16\"");
        };
    }

    private static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
    }

    /** The external weights beside the graph, when the export wrote them. */
    private static long bundleDataSize(Path data) {
        return Files.exists(data) ? size(data) : 0;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
