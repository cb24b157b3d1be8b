package dev.kiln.inference.service;

import dev.kiln.inference.model.CudaOptions;
import dev.kiln.inference.model.CudaOptions.ArenaExtendStrategy;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import java.util.Map;
import java.util.TreeMap;

/**
 * CUDA provider options from their three sources, each over the one before: the gateway's
 * defaults (kiln.inference.cuda-device, kiln.inference.cuda.*), the model name's configuration
 * (kiln.inference.cuda.models."name".*) and a LoadModel request's {@code cuda}. Bad values are
 * IllegalArgumentExceptions naming the config key or request field (INVALID_ARGUMENT on a
 * request; a failed start for configuration).
 */
final class CudaConfig {
    private static final String PREFIX = "kiln.inference.cuda.";

    private CudaConfig() {}

    static CudaOptions defaults(int cudaDevice, GatewayConfig.Cuda c) {
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("kiln.inference.cuda-device must be >= 0, is " + cudaDevice);
        }
        return new CudaOptions(
                cudaDevice,
                c.gpuMemLimit()
                        .map(v -> CudaOptions.parseSize(PREFIX + "gpu-mem-limit", v))
                        .orElse(0L),
                ArenaExtendStrategy.parse(PREFIX + "arena-extend-strategy", c.arenaExtendStrategy()));
    }

    /** Every configured model's options, checked at start so a typo fails fast. */
    static Map<String, CudaOptions> perModel(GatewayConfig.Cuda config, CudaOptions defaults) {
        Map<String, CudaOptions> out = new TreeMap<>();
        config.models().forEach((name, m) -> {
            String key = PREFIX + "models.\"" + name + "\".";
            int device = m.deviceId().orElse(defaults.deviceId());
            if (device < 0) {
                throw new IllegalArgumentException(key + "device-id must be >= 0, is " + device);
            }
            out.put(
                    name,
                    new CudaOptions(
                            device,
                            m.gpuMemLimit()
                                    .map(v -> CudaOptions.parseSize(key + "gpu-mem-limit", v))
                                    .orElse(defaults.gpuMemLimit()),
                            m.arenaExtendStrategy()
                                    .map(v -> ArenaExtendStrategy.parse(key + "arena-extend-strategy", v))
                                    .orElse(defaults.arenaExtendStrategy())));
        });
        return out;
    }

    /** The request's cuda fields over the configured options. */
    static CudaOptions fromRequest(LoadModelRequest req, CudaOptions configured) {
        if (!req.hasCuda()) {
            return configured;
        }
        var c = req.getCuda();
        int device = configured.deviceId();
        if (c.hasDeviceId()) {
            if (c.getDeviceId() < 0) { // a uint32 over 2^31 - 1
                throw new IllegalArgumentException(
                        "cuda.device_id must be at most 2147483647, is " + Integer.toUnsignedString(c.getDeviceId()));
            }
            device = c.getDeviceId();
        }
        long limit = configured.gpuMemLimit();
        if (c.hasGpuMemLimitBytes()) {
            if (c.getGpuMemLimitBytes() < CudaOptions.MIN_GPU_MEM_LIMIT) { // negative: a uint64 over 2^63 - 1
                throw new IllegalArgumentException("cuda.gpu_mem_limit_bytes must be at least "
                        + CudaOptions.MIN_GPU_MEM_LIMIT + " (16 MiB) and under 2^63, is "
                        + Long.toUnsignedString(c.getGpuMemLimitBytes()));
            }
            limit = c.getGpuMemLimitBytes();
        }
        ArenaExtendStrategy strategy = switch (c.getArenaExtendStrategy()) {
            case ARENA_EXTEND_STRATEGY_UNSPECIFIED -> configured.arenaExtendStrategy();
            case ARENA_EXTEND_STRATEGY_NEXT_POWER_OF_TWO -> ArenaExtendStrategy.NEXT_POWER_OF_TWO;
            case ARENA_EXTEND_STRATEGY_SAME_AS_REQUESTED -> ArenaExtendStrategy.SAME_AS_REQUESTED;
            default ->
                throw new IllegalArgumentException("cuda.arena_extend_strategy must be NEXT_POWER_OF_TWO or "
                        + "SAME_AS_REQUESTED, is " + c.getArenaExtendStrategyValue());
        };
        return new CudaOptions(device, limit, strategy);
    }
}
