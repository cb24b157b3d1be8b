package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.ExportModelRequest;
import dev.kiln.proto.trainer.v1.ModelArtifact;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Writes a model bundle (ONNX, config, tokenizer) from a run's latest checkpoint.",
        footer = {"", "Example:  kiln train export tiny --name tiny-v1 --publish"})
final class TrainExportCommand extends ServiceCommand {

    /** Exporting writes the whole model; larger ones take longer than a plain call. */
    private static final long EXPORT_DEADLINE_SECONDS = 600;

    @Parameters(paramLabel = "RUN")
    String run;

    @Option(
            names = "--name",
            paramLabel = "MODEL",
            description = "Name to serve the model under (default: the run id).")
    String modelName;

    @Option(
            names = "--output-dir",
            description = "Bundle directory on the trainer's file system (default: <models dir>/<name>).")
    String outputDir;

    @Option(names = "--publish", description = "Announce the bundle on kiln.models so every gateway loads it.")
    boolean publish;

    @Option(
            names = "--dtype",
            paramLabel = "float32|float16",
            description = "Weights and past/present/logits in float16 (half the bundle). Default: float32.")
    String dtype;

    @Option(
            names = "--merged-decoder",
            description = "Write Optimum's decoder_model_merged.onnx (use_cache_branch) instead of model.onnx,"
                    + " for runtimes built around Optimum's merged exports.")
    boolean mergedDecoder;

    @Override
    public Integer call() {
        ExportModelRequest.Builder request = ExportModelRequest.newBuilder()
                .setRunId(run)
                .setPublish(publish)
                .setMergedDecoder(mergedDecoder);
        if (modelName != null) {
            request.setModelName(modelName);
        }
        if (outputDir != null) {
            request.setOutputDir(outputDir);
        }
        if (dtype != null) {
            request.setDtype(dtype);
        }
        ModelArtifact artifact;
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            artifact = TrainerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(EXPORT_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .exportModel(request.build());
        }
        out().printf(
                        "model %s from step %d: %s (%d bytes, sha256 %s)%s%n",
                        artifact.getName(),
                        artifact.getStep(),
                        artifact.getPath(),
                        artifact.getSizeBytes(),
                        artifact.getSha256(),
                        artifact.getPublished() ? ", published" : "");
        out().flush();
        return 0;
    }
}
