package dev.kiln.trainer.service;

import dev.kiln.proto.PathRoots;

/**
 * The directories requests may name on the trainer's host: {@code models} for ExportModel's
 * {@code output_dir} ({@code kiln.trainer.models-roots}), {@code data} for StartRun's
 * {@code data.shard_directory} ({@code kiln.trainer.data-roots}).
 */
public record TrainerRoots(PathRoots models, PathRoots data) {}
