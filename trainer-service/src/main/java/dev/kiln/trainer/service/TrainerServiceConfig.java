package dev.kiln.trainer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Configuration of the trainer service, under {@code kiln.trainer}. */
@ConfigMapping(prefix = "kiln.trainer")
public interface TrainerServiceConfig {

    /** Runs (state, checkpoints, validation tokens) live in {@code <data-dir>/runs/<run id>/}. */
    @WithDefault("data/trainer")
    String dataDir();

    /** Exported model bundles go to {@code <models-dir>/<model name>/} unless the request names a directory. */
    @WithDefault("data/models")
    String modelsDir();

    /**
     * Directories ExportModel's {@code output_dir} may lie in, symbolic links followed (a relative
     * {@code output_dir} resolves against the first); elsewhere is PERMISSION_DENIED. Unset: the models dir.
     */
    Optional<List<String>> modelsRoots();

    /**
     * Directories StartRun's {@code data.shard_directory} may lie in, symbolic links followed (a
     * relative one resolves against the first); elsewhere is PERMISSION_DENIED. Unset: the data dir.
     */
    Optional<List<String>> dataRoots();

    /** Runs that may train at once; more answer RESOURCE_EXHAUSTED. On 2 cores, one. */
    @WithDefault("1")
    int maxActiveRuns();

    /** Share of the JVM's max heap one run may plan to use (model, optimizer, activations). */
    @WithDefault("0.7")
    double memoryFraction();

    /** Topic of the corpus's token shards. */
    @WithDefault("kiln.corpus.shards")
    String shardsTopic();

    /** Topic on which exported models are announced to the gateways. */
    @WithDefault("kiln.models")
    String modelsTopic();

    /** Validation tokens a run holds at most. */
    @WithDefault("1000000")
    int validationTokens();

    /**
     * Exports whose weights exceed this many bytes write them to {@code model.onnx_data} beside
     * {@code model.onnx} (ONNX external data). The default, 1 GiB, keeps model.onnx far from
     * protobuf's 2 GiB cap.
     */
    @WithDefault("1073741824")
    long exportExternalDataThreshold();

    /** Events per run kept in memory for WatchRun's replay. */
    @WithDefault("2000")
    int eventHistory();
}
