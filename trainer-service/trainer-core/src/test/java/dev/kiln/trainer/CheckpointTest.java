package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    /** Integers as Long, as the assertions are written. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    static final GptConfig CFG = GptConfig.of(2, 2, 32, 16, 60);
    static final int[] DATA = TrainingTest.randomTokens(99, 3000, CFG.vocab());
    static final LearningRateSchedule SCHEDULE = new LearningRateSchedule(2e-3f, 2e-4f, 3, 10);

    /** Trains steps [from, to) and returns their losses; rng drives batch sampling. */
    static List<Float> train(LanguageModel model, AdamW opt, Rng rng, int steps) {
        Trainer tr = new Trainer(model, opt, SCHEDULE, 2, 1f);
        List<Float> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            losses.add(tr.step(() -> Batch.sample(DATA, rng, 3, 16)).loss());
        }
        return losses;
    }

    static java.util.stream.Stream<TransformerConfig> architectures() {
        return java.util.stream.Stream.of(CFG, new LlamaConfig(2, 4, 2, 32, 48, 16, 60, 64, 10_000f, 1e-5f, false));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("architectures")
    void resumedRunReproducesTheUninterruptedLossesExactly(TransformerConfig cfg, @TempDir Path dir)
            throws IOException {
        List<Float> uninterrupted;
        try (ThreadPool pool = new ThreadPool(2)) {
            LanguageModel m = LanguageModel.create(cfg, pool, 7);
            uninterrupted = train(m, new AdamW(m), new Rng(1234), 10);
        }
        List<Float> resumed;
        try (ThreadPool pool = new ThreadPool(2)) {
            LanguageModel m = LanguageModel.create(cfg, pool, 7);
            AdamW opt = new AdamW(m);
            Rng rng = new Rng(1234);
            resumed = new ArrayList<>(train(m, opt, rng, 4));
            Map<String, Long> offsets =
                    new LinkedHashMap<>(Map.of("kiln.corpus.shards-0", 41L, "kiln.corpus.shards-1", 17L));
            Checkpoint.save(dir, m, opt, rng.state(), offsets);
        }
        try (ThreadPool pool = new ThreadPool(2)) { // fresh pool and objects: nothing survives but the files
            Checkpoint.Resumed r = Checkpoint.load(dir, pool, AdamW::new);
            assertThat(r.model().config())
                    .as("the checkpoint records the architecture")
                    .isEqualTo(cfg);
            assertThat(r.step()).isEqualTo(4);
            assertThat(r.optimizer().updates()).isEqualTo(4);
            assertThat(r.dataOffsets()).isEqualTo(Map.of("kiln.corpus.shards-0", 41L, "kiln.corpus.shards-1", 17L));
            resumed.addAll(train(r.model(), r.optimizer(), new Rng(r.rngState()), 6));
        }
        assertThat(resumed).isEqualTo(uninterrupted); // bit-for-bit, step by step
        assertThat(uninterrupted.get(9)).isLessThan(uninterrupted.get(0));
    }

    @Test
    void weightsRoundTripExactlyInHuggingFaceLayout(@TempDir Path dir) throws IOException {
        try (ThreadPool pool = new ThreadPool(1)) {
            GptModel m = GptModel.create(CFG, pool, 3);
            Path f = dir.resolve("w.safetensors");
            Checkpoint.saveWeights(f, m, 12);
            LanguageModel back = Checkpoint.loadWeights(f, pool);
            assertThat(back.config()).isEqualTo(CFG);
            assertThat(back.params()).isEqualTo(m.params);

            // the header, read by hand as any other safetensors reader would
            byte[] bytes = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(n % 8).isZero();
            @SuppressWarnings("unchecked")
            Map<String, Object> header = (Map<String, Object>)
                    JSON.readValue(new String(bytes, 8, (int) n, StandardCharsets.UTF_8), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> attn = (Map<String, Object>) header.get("h.0.attn.c_attn.weight");
            assertThat(attn).containsEntry("dtype", "F32").containsEntry("shape", List.of(32L, 96L));
            @SuppressWarnings("unchecked")
            Map<String, Object> wte = (Map<String, Object>) header.get("wte.weight");
            assertThat(wte)
                    .containsEntry("shape", List.of(60L, 32L))
                    .containsEntry("data_offsets", List.of(0L, 60L * 32 * 4));
            assertThat(header).containsKeys("wpe.weight", "h.1.mlp.c_proj.weight", "ln_f.bias", "__metadata__");
            long total = 0;
            for (ParamTensor t : m.tensors()) {
                total += t.name().equals("wte.weight") ? 60L * 32 : t.size();
            }
            assertThat(bytes.length).isEqualTo(8 + n + 4 * total);
            // HF Conv1D layout: element [in=i, out=o] is our [o, i]
            ParamTensor qkv = m.tensor("h.0.attn.c_attn.weight");
            SafeTensors.Contents c = SafeTensors.read(f);
            assertThat(c.require("h.0.attn.c_attn.weight").data()[1 * 96 + 5])
                    .isEqualTo(m.params[qkv.offset() + 5 * 32 + 1]);
        }
    }

    @Test
    void mismatchedWeightAndStateFilesAreRefused(@TempDir Path dir) throws IOException {
        try (ThreadPool pool = new ThreadPool(1)) {
            GptModel m = GptModel.create(CFG, pool, 3);
            AdamW opt = new AdamW(m);
            Checkpoint.save(dir, m, opt, 1L, Map.of());
            Checkpoint.saveWeights(dir.resolve(Checkpoint.MODEL_FILE), m, 5); // as if a later save died half-way
            assertThatThrownBy(() -> Checkpoint.load(dir, pool))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("step");
        }
    }

    @Test
    void llmcShardsRoundTripWithTheExactHeader(@TempDir Path dir) throws IOException {
        int[] tokens = {0, 1, 50256, 65535, 42};
        Path f = dir.resolve("shard_000.bin");
        LlmcShardWriter.write(f, tokens);
        byte[] b = Files.readAllBytes(f);
        assertThat(b).hasSize(1024 + 2 * tokens.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getInt(0)).isEqualTo(20240520);
        assertThat(bb.getInt(4)).isEqualTo(1);
        assertThat(bb.getInt(8)).isEqualTo(5);
        assertThat(bb.getShort(1024 + 2 * 2) & 0xFFFF).isEqualTo(50256);
        assertThat(LlmcShardReader.read(f)).containsExactly(tokens);

        TokenSource mapped = LlmcShardReader.map(f);
        assertThat(mapped.size()).isEqualTo(5);
        Batch batch = Batch.fromWindows(mapped, new long[] {1, 0}, 3);
        assertThat(batch.inputs()).containsExactly(1, 50256, 65535, 0, 1, 50256);
        assertThat(batch.targets()).containsExactly(50256, 65535, 42, 1, 50256, 65535);

        bb.putInt(0, 20240801);
        Files.write(f, b);
        assertThatThrownBy(() -> LlmcShardReader.read(f)).hasMessageContaining("magic");
        assertThatThrownBy(() -> LlmcShardReader.map(f)).hasMessageContaining("magic");
        bb.putInt(0, 20240520);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 2)); // truncated: one token missing
        assertThatThrownBy(() -> LlmcShardReader.read(f)).hasMessageContaining("header says 5 tokens");
        assertThatThrownBy(() -> LlmcShardWriter.write(f, new int[] {70000})).hasMessageContaining("uint16");
    }
}
