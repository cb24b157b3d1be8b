package dev.kiln.trainer.bench;

import dev.kiln.trainer.AdamW;
import dev.kiln.trainer.Batch;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.LanguageModel;
import dev.kiln.trainer.LearningRateSchedule;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import dev.kiln.trainer.Trainer;
import dev.kiln.trainer.TransformerConfig;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The exact losses of a short seeded training run of each architecture, and a CRC-32 of the
 * parameters' bits after it, so a kernel change that must not alter results can be checked
 * against the build before it (bench/trainer-loss-trace.sh runs both). The run crosses attention's
 * edge cases: T not a multiple of the block, grouped-query heads (Llama NKV = NH/2), and a batch
 * shape that changes between steps (an evaluation at another B and T), so whatever a model keeps
 * per shape is rebuilt and reused. Usage: {@code LossTrace [threads=2]}.
 */
public final class LossTrace {

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        List<TransformerConfig> configs =
                List.of(GptConfig.of(2, 4, 64, 96, 512), LlamaConfig.of(2, 4, 2, 64, 128, 96, 512, false));
        try (ThreadPool pool = new ThreadPool(threads)) {
            for (TransformerConfig cfg : configs) {
                trace(cfg, pool);
            }
        }
    }

    private static void trace(TransformerConfig cfg, ThreadPool pool) {
        LanguageModel model = LanguageModel.create(cfg, pool, 1);
        Trainer tr = new Trainer(model, new AdamW(model), new LearningRateSchedule(1e-3f, 1e-4f, 2, 100));
        Rng rng = new Rng(7);
        int[] data = new int[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.nextInt(cfg.vocab());
        }
        StringBuilder line = new StringBuilder(cfg.architecture()).append(':');
        for (int step = 0; step < 6; step++) {
            float loss = tr.step(() -> Batch.sample(data, rng, 3, 70)).loss();
            line.append(String.format(" %.9g", loss));
            if (step == 2) {
                float eval = tr.evalLoss(List.of(Batch.sample(data, rng, 1, 33)));
                line.append(String.format(" (eval %.9g)", eval));
            }
        }
        CRC32 crc = new CRC32();
        for (float p : model.params()) {
            int bits = Float.floatToRawIntBits(p);
            crc.update(bits);
            crc.update(bits >>> 8);
            crc.update(bits >>> 16);
            crc.update(bits >>> 24);
        }
        System.out.printf("%s | params crc32 %08x%n", line, crc.getValue());
    }
}
