package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.model.CudaOptions;
import dev.kiln.inference.model.CudaOptions.ArenaExtendStrategy;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CudaConfigTest {
    record Cuda(
            Optional<String> gpuMemLimit, String arenaExtendStrategy, Map<String, GatewayConfig.Cuda.ModelCuda> models)
            implements GatewayConfig.Cuda {}

    record ModelCuda(Optional<Integer> deviceId, Optional<String> gpuMemLimit, Optional<String> arenaExtendStrategy)
            implements GatewayConfig.Cuda.ModelCuda {}

    static final ModelCuda BIG = new ModelCuda(Optional.of(1), Optional.of("20GiB"), Optional.empty());

    @Test
    void modelKeysOverTheDefaultsAndRequestFieldsOverBoth() {
        Cuda config = new Cuda(Optional.of("4GiB"), "same-as-requested", Map.of("big", BIG));
        CudaOptions defaults = CudaConfig.defaults(0, config);
        assertThat(defaults).isEqualTo(new CudaOptions(0, 4L << 30, ArenaExtendStrategy.SAME_AS_REQUESTED));
        Map<String, CudaOptions> perModel = CudaConfig.perModel(config, defaults);
        assertThat(perModel.get("big")).isEqualTo(new CudaOptions(1, 20L << 30, ArenaExtendStrategy.SAME_AS_REQUESTED));

        LoadModelRequest req = LoadModelRequest.newBuilder()
                .setCuda(dev.kiln.proto.inference.v1.CudaOptions.newBuilder()
                        .setArenaExtendStrategy(
                                dev.kiln.proto.inference.v1.ArenaExtendStrategy
                                        .ARENA_EXTEND_STRATEGY_NEXT_POWER_OF_TWO))
                .build();
        assertThat(CudaConfig.fromRequest(req, perModel.get("big")))
                .isEqualTo(new CudaOptions(1, 20L << 30, ArenaExtendStrategy.NEXT_POWER_OF_TWO));
        assertThat(CudaConfig.fromRequest(LoadModelRequest.getDefaultInstance(), defaults))
                .isSameAs(defaults);
        assertThat(CudaConfig.defaults(0, new Cuda(Optional.empty(), "next-power-of-two", Map.of())))
                .isEqualTo(CudaOptions.DEFAULT);
    }

    @Test
    void badConfigurationNamesTheKey() {
        assertThatThrownBy(() -> CudaConfig.defaults(0, new Cuda(Optional.of("lots"), "next-power-of-two", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kiln.inference.cuda.gpu-mem-limit");
        assertThatThrownBy(() -> CudaConfig.defaults(0, new Cuda(Optional.empty(), "grow", Map.of())))
                .hasMessageContaining("kiln.inference.cuda.arena-extend-strategy");
        assertThatThrownBy(() -> CudaConfig.defaults(-2, new Cuda(Optional.empty(), "next-power-of-two", Map.of())))
                .hasMessageContaining("kiln.inference.cuda-device");
        Cuda perModelTypo = new Cuda(
                Optional.empty(),
                "next-power-of-two",
                Map.of("m", new ModelCuda(Optional.empty(), Optional.empty(), Optional.of("double"))));
        assertThatThrownBy(() -> CudaConfig.perModel(perModelTypo, CudaOptions.DEFAULT))
                .hasMessageContaining("kiln.inference.cuda.models.\"m\".arena-extend-strategy");
        Cuda perModelDevice = new Cuda(
                Optional.empty(),
                "next-power-of-two",
                Map.of("m", new ModelCuda(Optional.of(-1), Optional.empty(), Optional.empty())));
        assertThatThrownBy(() -> CudaConfig.perModel(perModelDevice, CudaOptions.DEFAULT))
                .hasMessageContaining("kiln.inference.cuda.models.\"m\".device-id");
    }

    @Test
    void badRequestFieldsAreNamed() {
        var cuda = dev.kiln.proto.inference.v1.CudaOptions.newBuilder();
        assertThatThrownBy(() -> CudaConfig.fromRequest(
                        LoadModelRequest.newBuilder()
                                .setCuda(cuda.clone().setDeviceId(-1))
                                .build(),
                        CudaOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cuda.device_id")
                .hasMessageContaining("4294967295");
        assertThatThrownBy(() -> CudaConfig.fromRequest(
                        LoadModelRequest.newBuilder()
                                .setCuda(cuda.clone().setGpuMemLimitBytes(1000))
                                .build(),
                        CudaOptions.DEFAULT))
                .hasMessageContaining("cuda.gpu_mem_limit_bytes")
                .hasMessageContaining("16 MiB");
        assertThatThrownBy(() -> CudaConfig.fromRequest(
                        LoadModelRequest.newBuilder()
                                .setCuda(cuda.clone().setGpuMemLimitBytes(-1))
                                .build(),
                        CudaOptions.DEFAULT))
                .hasMessageContaining("cuda.gpu_mem_limit_bytes")
                .hasMessageContaining("18446744073709551615");
        assertThatThrownBy(() -> CudaConfig.fromRequest(
                        LoadModelRequest.newBuilder()
                                .setCuda(cuda.clone().setArenaExtendStrategyValue(7))
                                .build(),
                        CudaOptions.DEFAULT))
                .hasMessageContaining("cuda.arena_extend_strategy");
    }
}
