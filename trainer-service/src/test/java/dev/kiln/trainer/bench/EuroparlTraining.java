package dev.kiln.trainer.bench;

import dev.kiln.testing.Europarl;
import dev.kiln.tokenizer.BpeTrainer;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.Pretokenizer;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.LlmcShardWriter;
import dev.kiln.trainer.Trainer;
import dev.kiln.trainer.TransformerConfig;
import dev.kiln.trainer.data.LlmcDirectorySource;
import dev.kiln.trainer.runs.RunConfig;
import dev.kiln.trainer.runs.RunListener;
import dev.kiln.trainer.runs.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer on real text, end to end through the service's own run loop: English Europarl, a
 * BPE of about 4K tokens trained by tokenizer-core, a GPT-2 or Llama of 1–3 M parameters, a few
 * minutes on 2 cores. Prints the loss curve, the unigram entropy the model has to beat, and
 * samples. With architecture {@code both}, GPT-2 then Llama of the same size (Llama's SwiGLU width
 * 8/3·C gives its blocks GPT-2's 12·C² weights) on the same tokens, batches and schedule.
 *
 * <p>Run with {@code bench/trainer-europarl.sh [steps] [threads] [gpt2|llama|both]}.
 */
public final class EuroparlTraining {

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String architecture = args.length > 2 ? args[2] : "gpt2";
        long t0 = System.nanoTime();

        List<String> english = new ArrayList<>();
        for (String body : Europarl.bodies()) {
            String doc = Europarl.asDocument(body);
            if (Europarl.referenceLanguage(doc).equals("en")) {
                english.add(doc);
            }
        }
        int trainDocs = english.size() * 9 / 10;
        long chars = english.stream().mapToLong(String::length).sum();
        System.out.printf(
                "English Europarl: %d documents, %.1f MB; %d for training, %d held out%n",
                english.size(), chars / 1e6, trainDocs, english.size() - trainDocs);

        long tb = System.nanoTime();
        Encoding bpe = BpeTrainer.train(
                english.subList(0, trainDocs),
                BpeTrainer.Options.defaults("europarl-4k", 4096)
                        .withPattern(Pretokenizer.R50K_PATTERN)
                        .withThreads(threads));
        int eos = bpe.specialTokens().get("<|endoftext|>");
        System.out.printf("BPE: %d tokens trained in %.1f s%n", bpe.vocabularySize(), (System.nanoTime() - tb) / 1e9);

        int[] train = encode(bpe, english.subList(0, trainDocs), eos);
        int[] validation = encode(bpe, english.subList(trainDocs, english.size()), eos);
        double[] unigram = unigramEntropies(train, validation, bpe.vocabularySize());
        System.out.printf(
                "Tokens: %,d train, %,d validation (%.2f chars/token)%n",
                train.length, validation.length, (double) chars / (train.length + validation.length));
        System.out.printf(
                "Unigram entropy of the training tokens: %.3f nats; unigram cross-entropy on validation: %.3f nats%n",
                unigram[0], unigram[1]);

        Path dir = Files.createTempDirectory("kiln-europarl");
        Path shards = Files.createDirectories(dir.resolve("shards"));
        LlmcShardWriter.write(shards.resolve("europarl_train_000.bin"), train);
        LlmcShardWriter.write(shards.resolve("europarl_val_000.bin"), validation);

        List<TransformerConfig> models = new ArrayList<>();
        if (!architecture.equals("llama")) {
            models.add(GptConfig.of(4, 4, 192, 128, bpe.vocabularySize()));
        }
        if (!architecture.equals("gpt2")) {
            models.add(LlamaConfig.of(
                    4, 4, 4, 192, LlamaConfig.defaultIntermediateSize(192), 128, bpe.vocabularySize(), true));
        }
        for (TransformerConfig model : models) {
            train(model, bpe, shards, dir.resolve(model.architecture()), steps, threads, unigram[1]);
        }
        System.out.printf("Whole bench incl. BPE %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void train(
            TransformerConfig model,
            Encoding bpe,
            Path shards,
            Path runDir,
            int steps,
            int threads,
            double unigramCrossEntropy)
            throws Exception {
        RunConfig config = new RunConfig(
                "europarl",
                bpe.name(),
                model,
                new RunConfig.Optimizer(3e-3f, 3e-4f, 40, 0.1f, 0.9f, 0.95f, 1.0f),
                new RunConfig.Schedule(16, 1, steps, 1337, 16, threads, 50, 16, 200, "Mr President,", 48, 0),
                new RunConfig.Data(null, 0, 0, shards));
        System.out.printf(
                "%nModel: %s, %d layers, %d heads (%d key/value), n_embd %d, context %d: %,d parameters;"
                        + " batch %d × %d tokens%n",
                model.architecture(),
                model.nLayer(),
                model.nHead(),
                model.nKvHead(),
                model.nEmbd(),
                model.context(),
                model.realParameterCount(),
                config.schedule().batchSize(),
                model.context());
        System.out.println();
        System.out.println("| step | train loss | val loss | tokens/s | elapsed s |");
        System.out.println("|---:|---:|---:|---:|---:|");

        long start = System.nanoTime();
        double[] tokensPerSecond = {0};
        float[] lastTrain = {Float.NaN};
        Map<Long, Float> valLoss = new HashMap<>();
        TrainingRun run = new TrainingRun(
                config, bpe, runDir, position -> new LlmcDirectorySource(shards, position), new RunListener() {
                    @Override
                    public void onStep(Trainer.StepResult step, long tokensSeen) {
                        tokensPerSecond[0] = 0.9 * tokensPerSecond[0] + 0.1 * step.tokensPerSecond();
                        lastTrain[0] = step.loss();
                        if (step.step() == 0) {
                            System.out.printf(
                                    "| %d | %.3f | | %.0f | %.0f |%n",
                                    1, step.loss(), step.tokensPerSecond(), (System.nanoTime() - start) / 1e9);
                        }
                    }

                    @Override
                    public void onEvaluation(long step, float validationLoss, long tokens) {
                        valLoss.put(step, validationLoss);
                        System.out.printf(
                                "| %d | %.3f | %.3f | %.0f | %.0f |%n",
                                step,
                                lastTrain[0],
                                validationLoss,
                                tokensPerSecond[0],
                                (System.nanoTime() - start) / 1e9);
                    }

                    @Override
                    public void onSample(long step, String prompt, String text) {
                        System.out.printf("%n> sample at step %d: %s%s%n%n", step, prompt, text.replace("\n", " "));
                    }

                    @Override
                    public void onCheckpoint(long step, Path directory) {}
                });
        run.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        float finalVal = valLoss.get((long) steps);
        System.out.printf(
                "%n%s: trained %d steps (%,d tokens) in %.0f s; final validation loss %.3f nats vs unigram %.3f "
                        + "(%.2f nats below)%n",
                model.architecture(),
                steps,
                (long) steps * config.tokensPerStep(),
                seconds,
                finalVal,
                unigramCrossEntropy,
                unigramCrossEntropy - finalVal);
    }

    private static int[] encode(Encoding bpe, List<String> docs, int eos) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String doc : docs) {
            int[] ids = bpe.encodeOrdinary(doc);
            parts.add(ids);
            total += ids.length + 1;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] ids : parts) {
            System.arraycopy(ids, 0, out, at, ids.length);
            at += ids.length;
            out[at++] = eos;
        }
        return out;
    }

    /** Entropy of the training unigram distribution, and its cross-entropy on validation (add-one smoothed). */
    private static double[] unigramEntropies(int[] train, int[] validation, int vocab) {
        double[] counts = new double[vocab];
        for (int id : train) {
            counts[id]++;
        }
        double total = train.length + vocab;
        double entropy = 0;
        for (double c : counts) {
            if (c > 0) {
                double p = c / train.length;
                entropy -= p * Math.log(p);
            }
        }
        double cross = 0;
        for (int id : validation) {
            cross -= Math.log((counts[id] + 1) / total);
        }
        return new double[] {entropy, cross / validation.length};
    }
}
