package dev.kiln.inference.model;

import dev.kiln.inference.engine.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's CUDA provider options for one model's session (the keys of {@code
 * OrtCUDAProviderOptions}): which GPU, how much memory its arena may hold, how the arena grows.
 *
 * @param deviceId            GPU ordinal ({@code device_id}), ≥ 0
 * @param gpuMemLimit         bytes the provider's memory arena may hold ({@code gpu_mem_limit});
 *                            0 = ONNX Runtime's default, no limit
 * @param arenaExtendStrategy how the arena grows when it runs out ({@code arena_extend_strategy})
 */
public record CudaOptions(int deviceId, long gpuMemLimit, ArenaExtendStrategy arenaExtendStrategy) {

    /** The smallest arena limit accepted: below it not even a small model's weights fit. */
    public static final long MIN_GPU_MEM_LIMIT = 16L << 20;

    public static final CudaOptions DEFAULT = new CudaOptions(0, 0, ArenaExtendStrategy.NEXT_POWER_OF_TWO);

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B?|B)?", Pattern.CASE_INSENSITIVE);

    public enum ArenaExtendStrategy {
        /** Grow by doubling (ONNX Runtime's default): fewer allocations, up to 2× over-reservation. */
        NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
        /** Grow by exactly what is asked for: tighter memory, more allocations. */
        SAME_AS_REQUESTED("kSameAsRequested");

        private final String ortName;

        ArenaExtendStrategy(String ortName) {
            this.ortName = ortName;
        }

        public String ortName() {
            return ortName;
        }

        /**
         * Reads next-power-of-two / same-as-requested (any case, '-' or '_') or ONNX Runtime's own
         * kNextPowerOfTwo / kSameAsRequested.
         *
         * @throws InvalidRequestException naming the field and the accepted values
         */
        public static ArenaExtendStrategy parse(String field, String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (v) {
                case "next-power-of-two", "knextpoweroftwo" -> NEXT_POWER_OF_TWO;
                case "same-as-requested", "ksameasrequested" -> SAME_AS_REQUESTED;
                default ->
                    throw new InvalidRequestException(
                            field + " must be next-power-of-two or same-as-requested, is '" + value + "'");
            };
        }
    }

    /**
     * @throws InvalidRequestException a negative device, or a limit that is negative or under
     *     {@link #MIN_GPU_MEM_LIMIT} (the message names the field)
     */
    public CudaOptions {
        if (deviceId < 0) {
            throw new InvalidRequestException("cuda.device_id must be >= 0, is " + deviceId);
        }
        if (gpuMemLimit < 0 || (gpuMemLimit > 0 && gpuMemLimit < MIN_GPU_MEM_LIMIT)) {
            throw new InvalidRequestException("cuda.gpu_mem_limit must be 0 (no limit) or at least " + MIN_GPU_MEM_LIMIT
                    + " bytes (16 MiB), is " + gpuMemLimit);
        }
        if (arenaExtendStrategy == null) {
            throw new InvalidRequestException("cuda.arena_extend_strategy is required");
        }
    }

    /** The options as ONNX Runtime's CUDA provider takes them (OrtCUDAProviderOptions.add). */
    public Map<String, String> providerOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device_id", Integer.toString(deviceId));
        if (gpuMemLimit > 0) {
            m.put("gpu_mem_limit", Long.toString(gpuMemLimit));
        }
        m.put("arena_extend_strategy", arenaExtendStrategy.ortName());
        return m;
    }

    /**
     * Reads a byte size: a number of bytes, or with a binary unit (K, M, G, T; KiB, MiB, GiB,
     * TiB; KB… read as the binary unit, as memory sizes usually are), e.g. {@code 4GiB}.
     *
     * @throws InvalidRequestException naming the field, when it is not such a size or overflows
     */
    public static long parseSize(String field, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new InvalidRequestException(
                    field + " must be a byte size such as 4GiB, 512MiB or 1073741824, is '" + value + "'");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = unit.isEmpty() || unit.equals("B")
                ? 0
                : switch (unit.charAt(0)) {
                    case 'K' -> 10;
                    case 'M' -> 20;
                    case 'G' -> 30;
                    default -> 40;
                };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(field + " is too large: '" + value + "'");
        }
    }
}
