package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.engine.InvalidRequestException;
import dev.kiln.inference.model.CudaOptions.ArenaExtendStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CudaOptionsTest {
    @Test
    void passesOrtsOwnKeysAndValues() {
        assertThat(new CudaOptions(1, 4L << 30, ArenaExtendStrategy.SAME_AS_REQUESTED).providerOptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "device_id", "1", "gpu_mem_limit", "4294967296", "arena_extend_strategy", "kSameAsRequested"));
        assertThat(CudaOptions.DEFAULT.providerOptions())
                .as("no limit: the key is left out, so ONNX Runtime keeps its own default")
                .containsOnlyKeys("device_id", "arena_extend_strategy")
                .containsEntry("arena_extend_strategy", "kNextPowerOfTwo");
    }

    @Test
    void readsByteSizesWithBinaryUnits() {
        assertThat(CudaOptions.parseSize("f", "1073741824")).isEqualTo(1L << 30);
        assertThat(CudaOptions.parseSize("f", "4GiB")).isEqualTo(4L << 30);
        assertThat(CudaOptions.parseSize("f", "512 MiB")).isEqualTo(512L << 20);
        assertThat(CudaOptions.parseSize("f", "2g")).isEqualTo(2L << 30);
        assertThat(CudaOptions.parseSize("f", "1TB")).isEqualTo(1L << 40);
        assertThat(CudaOptions.parseSize("f", "64K")).isEqualTo(64L << 10);
        for (String bad : new String[] {"", "four GiB", "-1", "1.5GiB", "3PiB"}) {
            assertThatThrownBy(() -> CudaOptions.parseSize("kiln.inference.cuda.gpu-mem-limit", bad))
                    .as(bad)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("kiln.inference.cuda.gpu-mem-limit")
                    .hasMessageContaining("4GiB");
        }
        assertThatThrownBy(() -> CudaOptions.parseSize("f", "99999999999TiB"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void readsArenaStrategiesInEitherSpelling() {
        assertThat(ArenaExtendStrategy.parse("f", "same-as-requested"))
                .isEqualTo(ArenaExtendStrategy.SAME_AS_REQUESTED);
        assertThat(ArenaExtendStrategy.parse("f", "SAME_AS_REQUESTED"))
                .isEqualTo(ArenaExtendStrategy.SAME_AS_REQUESTED);
        assertThat(ArenaExtendStrategy.parse("f", "kNextPowerOfTwo")).isEqualTo(ArenaExtendStrategy.NEXT_POWER_OF_TWO);
        assertThatThrownBy(() -> ArenaExtendStrategy.parse("kiln.inference.cuda.arena-extend-strategy", "grow"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("kiln.inference.cuda.arena-extend-strategy")
                .hasMessageContaining("next-power-of-two or same-as-requested");
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheField() {
        assertThatThrownBy(() -> new CudaOptions(-1, 0, ArenaExtendStrategy.NEXT_POWER_OF_TWO))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("cuda.device_id");
        assertThatThrownBy(() -> new CudaOptions(0, 1024, ArenaExtendStrategy.NEXT_POWER_OF_TWO))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("cuda.gpu_mem_limit")
                .hasMessageContaining("16 MiB");
        assertThatThrownBy(() -> new CudaOptions(0, -5, ArenaExtendStrategy.NEXT_POWER_OF_TWO))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("cuda.gpu_mem_limit");
        assertThat(new CudaOptions(0, CudaOptions.MIN_GPU_MEM_LIMIT, ArenaExtendStrategy.NEXT_POWER_OF_TWO)
                        .gpuMemLimit())
                .isEqualTo(16L << 20);
    }
}
