package dev.kiln.trainer.runs;

import dev.kiln.proto.ResourceNames;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.OptimizerConfig;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.TransformerConfig;
import java.nio.file.Path;

/**
 * Checks a StartRunRequest and turns it into a RunConfig with every default applied: the one
 * reading of the request, for a new run and for a run resumed from its stored request.
 */
public final class RunRequests {

    private static final int MAX_LAYERS = 96;
    private static final int MAX_EMBD = 8192;
    private static final int MAX_INTERMEDIATE = 65536;
    private static final int MAX_CONTEXT = 8192;
    private static final int MAX_BATCH = 4096;
    /** Default shuffle buffer, in batches: enough to mix documents without delaying the first step long. */
    static final int DEFAULT_SHUFFLE_BUFFER_BATCHES = 16;
    /** The shuffle buffer is held as int tokens: 2^26 of them is 256 MiB. */
    private static final long MAX_SHUFFLE_BUFFER_TOKENS = 1L << 26;

    private RunRequests() {}

    /** @throws InvalidRunConfigException (or IllegalArgumentException for the name) naming the field */
    public static RunConfig toConfig(StartRunRequest request, Encoding encoding, String defaultTopic) {
        ResourceNames.require("name", request.getName());
        if (!request.hasModel()) {
            throw new InvalidRunConfigException("model is required (n_layer, n_head, n_embd, context_length)");
        }
        ModelConfig m = request.getModel();
        int nLayer = range("model.n_layer", m.getNLayer(), 1, MAX_LAYERS);
        int nHead = range("model.n_head", m.getNHead(), 1, 256);
        int nEmbd = range("model.n_embd", m.getNEmbd(), 1, MAX_EMBD);
        int context = range("model.context_length", m.getContextLength(), 2, MAX_CONTEXT);
        if (nEmbd % nHead != 0) {
            throw new InvalidRunConfigException("model.n_embd " + nEmbd + " is not divisible by model.n_head " + nHead
                    + ": pick n_embd = n_head × head size, e.g. " + (nHead * Math.max(1, nEmbd / nHead)));
        }
        int vocab = m.getVocabSize() == 0 ? encoding.vocabularySize() : m.getVocabSize();
        if (vocab < encoding.vocabularySize()) {
            throw new InvalidRunConfigException(
                    "model.vocab_size " + vocab + " is smaller than the " + encoding.vocabularySize()
                            + " ids of encoding " + encoding.name() + "; leave it 0 to take the encoding's");
        }

        OptimizerConfig o = request.getOptimizer();
        float lr = o.getLearningRate() == 0 ? 6e-4f : positive("optimizer.learning_rate", o.getLearningRate(), 1f);
        float minLr = o.getMinLearningRate() == 0
                ? lr / 10
                : positive("optimizer.min_learning_rate", o.getMinLearningRate(), lr);
        float weightDecay = o.hasWeightDecay() ? fraction("optimizer.weight_decay", o.getWeightDecay(), 0, 1) : 0.1f;
        float beta1 = o.getBeta1() == 0 ? 0.9f : fraction("optimizer.beta1", o.getBeta1(), 0, 0.9999f);
        float beta2 = o.getBeta2() == 0 ? 0.95f : fraction("optimizer.beta2", o.getBeta2(), 0, 0.99999f);
        float gradClip = o.hasGradClip() ? fraction("optimizer.grad_clip", o.getGradClip(), 0, 1e6f) : 1.0f;

        TrainingConfig t = request.getTraining();
        int batch = range("training.batch_size", t.getBatchSize(), 1, MAX_BATCH);
        int accumulation = t.getGradAccumulationSteps() == 0
                ? 1
                : range("training.grad_accumulation_steps", t.getGradAccumulationSteps(), 1, 1024);
        int maxSteps = range("training.max_steps", t.getMaxSteps(), 1, Integer.MAX_VALUE);
        int threads = range("training.threads", t.getThreads(), 0, 1024);
        int shuffleBuffer = t.getShuffleBufferBatches() == 0
                ? DEFAULT_SHUFFLE_BUFFER_BATCHES
                : range("training.shuffle_buffer_batches", t.getShuffleBufferBatches(), 1, (int)
                        Math.max(1, MAX_SHUFFLE_BUFFER_TOKENS / ((long) batch * context)));
        if (o.getWarmupSteps() > maxSteps) {
            throw new InvalidRunConfigException(
                    "optimizer.warmup_steps " + o.getWarmupSteps() + " exceeds training.max_steps " + maxSteps);
        }
        float validationFraction = t.hasValidationFraction()
                ? fraction("training.validation_fraction", t.getValidationFraction(), 0, 0.5f)
                : 0.05f;
        int evalBatches = t.getEvalBatches() == 0 ? 8 : t.getEvalBatches();
        int sampleTokens = t.getSampleTokens() == 0 ? 64 : Math.min(t.getSampleTokens(), context);
        if (!t.getSamplePrompt().isEmpty() && encoding.encodeOrdinary(t.getSamplePrompt()).length >= context) {
            throw new InvalidRunConfigException(
                    "training.sample_prompt is as long as the context (" + context + " tokens) or longer");
        }

        RunConfig.Data data;
        if (request.getData().hasShardDirectory()) {
            data = new RunConfig.Data(
                    null, 0, validationFraction, Path.of(request.getData().getShardDirectory()));
        } else {
            String topic = request.getData().getKafka().getTopic().isEmpty()
                    ? defaultTopic
                    : request.getData().getKafka().getTopic();
            int wait = request.getData().getKafka().getWaitSeconds() == 0
                    ? 300
                    : request.getData().getKafka().getWaitSeconds();
            data = new RunConfig.Data(topic, wait, validationFraction, null);
        }
        return new RunConfig(
                request.getName(),
                encoding.name(),
                architecture(m, nLayer, nHead, nEmbd, context, vocab),
                new RunConfig.Optimizer(lr, minLr, o.getWarmupSteps(), weightDecay, beta1, beta2, gradClip),
                new RunConfig.Schedule(
                        batch,
                        accumulation,
                        maxSteps,
                        t.getSeed(),
                        shuffleBuffer,
                        threads,
                        t.getEvalInterval(),
                        evalBatches,
                        t.getSampleInterval(),
                        t.getSamplePrompt(),
                        sampleTokens,
                        t.getCheckpointInterval()),
                data);
    }

    /** The model's architecture and its own fields (each checked here, naming the field). */
    private static TransformerConfig architecture(
            ModelConfig m, int nLayer, int nHead, int nEmbd, int context, int vocab) {
        String arch = m.getArchitecture().isEmpty() ? GptConfig.ARCHITECTURE : m.getArchitecture();
        if (arch.equals(GptConfig.ARCHITECTURE)) {
            String llamaOnly = null;
            if (m.getNKvHead() != 0) {
                llamaOnly = "model.n_kv_head";
            } else if (m.hasRopeTheta()) {
                llamaOnly = "model.rope_theta";
            } else if (m.getIntermediateSize() != 0) {
                llamaOnly = "model.intermediate_size";
            }
            if (llamaOnly != null) {
                throw new InvalidRunConfigException(
                        llamaOnly + " is a Llama field; set model.architecture to \"llama\" or leave it unset");
            }
            // GPT-2's head is always the token embedding, so only an untied head is a contradiction.
            if (m.hasTieWordEmbeddings() && !m.getTieWordEmbeddings()) {
                throw new InvalidRunConfigException("model.tie_word_embeddings is false, but GPT-2's LM head is always"
                        + " tied to the token embedding; set model.architecture to \"llama\" for an untied head");
            }
            return GptConfig.of(nLayer, nHead, nEmbd, context, vocab);
        }
        if (!arch.equals(LlamaConfig.ARCHITECTURE)) {
            throw new InvalidRunConfigException(
                    "model.architecture \"" + arch + "\" is unknown; use \"gpt2\" or \"llama\"");
        }
        int nKvHead = m.getNKvHead() == 0 ? nHead : range("model.n_kv_head", m.getNKvHead(), 1, nHead);
        if (nHead % nKvHead != 0) {
            throw new InvalidRunConfigException("model.n_kv_head " + nKvHead + " does not divide model.n_head " + nHead
                    + ": each key/value head serves n_head / n_kv_head query heads");
        }
        if ((nEmbd / nHead) % 2 != 0) {
            throw new InvalidRunConfigException("model.n_embd / model.n_head = " + nEmbd / nHead
                    + " is odd; rotary embeddings rotate pairs of channels, so the head size must be even");
        }
        float theta = m.hasRopeTheta() ? m.getRopeTheta() : LlamaConfig.DEFAULT_ROPE_THETA;
        if (!(theta > 1f) || !Float.isFinite(theta)) {
            throw new InvalidRunConfigException(
                    "model.rope_theta is " + theta + "; it must be a finite number above 1");
        }
        int intermediate = m.getIntermediateSize() == 0
                ? LlamaConfig.defaultIntermediateSize(nEmbd)
                : range("model.intermediate_size", m.getIntermediateSize(), 1, MAX_INTERMEDIATE);
        boolean tied = !m.hasTieWordEmbeddings() || m.getTieWordEmbeddings();
        return new LlamaConfig(
                nLayer,
                nHead,
                nKvHead,
                nEmbd,
                intermediate,
                context,
                vocab,
                TransformerConfig.padVocab(vocab),
                theta,
                LlamaConfig.DEFAULT_NORM_EPS,
                tied);
    }

    private static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidRunConfigException(
                    field + " is " + Integer.toUnsignedString(value) + "; it must be between " + min + " and " + max);
        }
        return value;
    }

    private static float positive(String field, float value, float max) {
        if (!(value > 0 && value <= max)) {
            throw new InvalidRunConfigException(field + " is " + value + "; it must be in (0, " + max + "]");
        }
        return value;
    }

    private static float fraction(String field, float value, float min, float max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidRunConfigException(field + " is " + value + "; it must be in [" + min + ", " + max + "]");
        }
        return value;
    }
}
