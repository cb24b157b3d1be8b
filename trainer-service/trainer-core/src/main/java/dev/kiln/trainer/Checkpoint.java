package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint directory:
 * <ul>
 *   <li>{@code model.safetensors}: the weights under Hugging Face names and layouts of the
 *       architecture (GPT-2: {@code wte.weight} [vocab, C] without padding rows, Conv1D weights
 *       [in, out]; Llama: LlamaForCausalLM names, nn.Linear [out, in]); the architecture
 *       ({@code model_type}), model shape and step in {@code __metadata__}. Loadable on its own for
 *       export or inference. Checkpoints without {@code model_type} are GPT-2 (written before Llama).</li>
 *   <li>{@code training_state.safetensors}: AdamW moments {@code adamw.exp_avg} and
 *       {@code adamw.exp_avg_sq} as flat tensors in the in-memory parameter layout, and in
 *       metadata the step, the RNG state and the caller's data offsets (e.g. Kafka
 *       topic-partition → next offset), written last.</li>
 * </ul>
 * Each file is replaced atomically; the loader checks both carry the same step.
 */
public final class Checkpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String STATE_FILE = "training_state.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** What a resumed run gets back. */
    public record Resumed(
            LanguageModel model, AdamW optimizer, long step, long rngState, Map<String, Long> dataOffsets) {}

    public static void save(
            Path dir, LanguageModel model, AdamW optimizer, long rngState, Map<String, Long> dataOffsets)
            throws IOException {
        Files.createDirectories(dir);
        long step = optimizer.updates();
        saveWeights(dir.resolve(MODEL_FILE), model, step);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "kiln-adamw");
        meta.put("step", Long.toString(step));
        meta.put("rng_state", Long.toString(rngState));
        meta.put(
                "data_offsets",
                JSON.writeValueAsString(dataOffsets == null ? Map.of() : new LinkedHashMap<>(dataOffsets)));
        long n = model.params().length;
        SafeTensors.write(
                dir.resolve(STATE_FILE),
                List.of(
                        new SafeTensors.Tensor("adamw.exp_avg", new long[] {n}, optimizer.firstMoment()),
                        new SafeTensors.Tensor("adamw.exp_avg_sq", new long[] {n}, optimizer.secondMoment())),
                meta);
    }

    public static Resumed load(Path dir, ThreadPool pool) throws IOException {
        return load(dir, pool, AdamW::new);
    }

    /** As {@link #load(Path, ThreadPool)}, with the optimizer (and so its hyperparameters) built by the caller. */
    @SuppressWarnings("unchecked")
    public static Resumed load(
            Path dir, ThreadPool pool, java.util.function.Function<LanguageModel, AdamW> optimizerFactory)
            throws IOException {
        SafeTensors.Contents weights = SafeTensors.read(dir.resolve(MODEL_FILE));
        LanguageModel model = fromWeights(weights, pool);
        SafeTensors.Contents state = SafeTensors.read(dir.resolve(STATE_FILE));
        long step = Long.parseLong(state.metadata().get("step"));
        String wStep = weights.metadata().get("step");
        if (wStep != null && Long.parseLong(wStep) != step) {
            throw new IOException(dir + ": weights are from step " + wStep + " but optimizer state from step " + step);
        }
        AdamW opt = optimizerFactory.apply(model);
        opt.restore(
                step,
                state.require("adamw.exp_avg").data(),
                state.require("adamw.exp_avg_sq").data());
        Map<String, Long> offsets = new LinkedHashMap<>();
        ((Map<String, Object>) JSON.readValue(state.metadata().getOrDefault("data_offsets", "{}"), Map.class))
                .forEach((k, v) -> offsets.put(k, ((Number) v).longValue()));
        return new Resumed(model, opt, step, Long.parseLong(state.metadata().get("rng_state")), offsets);
    }

    /** Weights only, HF names and layouts; architecture, shape and step in the metadata. */
    public static void saveWeights(Path file, LanguageModel model, long step) throws IOException {
        TransformerConfig c = model.config();
        float[] params = model.params();
        List<SafeTensors.Tensor> ts = new ArrayList<>();
        for (ParamTensor t : model.tensors()) {
            long[] shape = toLong(t.hfShape(c.vocab())); // padding rows are always zero: not stored
            float[] data = params;
            int off = t.offset();
            if (t.transposedInHf()) {
                int out = t.shape()[0], in = t.shape()[1];
                data = new float[out * in];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        data[i * out + o] = params[off + o * in + i];
                    }
                }
                off = 0;
            }
            ts.add(new SafeTensors.Tensor(t.name(), shape, data, off));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model_type", c.architecture());
        meta.put("n_layer", Integer.toString(c.nLayer()));
        meta.put("n_head", Integer.toString(c.nHead()));
        meta.put("n_embd", Integer.toString(c.nEmbd()));
        meta.put("n_positions", Integer.toString(c.context()));
        meta.put("vocab_size", Integer.toString(c.vocab()));
        meta.put("padded_vocab_size", Integer.toString(c.paddedVocab()));
        if (c instanceof LlamaConfig l) {
            meta.put("n_kv_head", Integer.toString(l.nKvHead()));
            meta.put("intermediate_size", Integer.toString(l.intermediateSize()));
            meta.put("rope_theta", Float.toString(l.ropeTheta()));
            meta.put("rms_norm_eps", Float.toString(l.normEps()));
            meta.put("tie_word_embeddings", Boolean.toString(l.tieWordEmbeddings()));
        }
        meta.put("step", Long.toString(step));
        SafeTensors.write(file, ts, meta);
    }

    public static LanguageModel loadWeights(Path file, ThreadPool pool) throws IOException {
        return fromWeights(SafeTensors.read(file), pool);
    }

    private static TransformerConfig configOf(Map<String, String> m) throws IOException {
        try {
            int vocab = Integer.parseInt(m.get("vocab_size"));
            int padded = Integer.parseInt(m.getOrDefault("padded_vocab_size", Integer.toString(vocab)));
            int nLayer = Integer.parseInt(m.get("n_layer")), nHead = Integer.parseInt(m.get("n_head"));
            int nEmbd = Integer.parseInt(m.get("n_embd")), context = Integer.parseInt(m.get("n_positions"));
            String type = m.getOrDefault("model_type", GptConfig.ARCHITECTURE);
            if (type.equals(GptConfig.ARCHITECTURE)) {
                return new GptConfig(nLayer, nHead, nEmbd, context, vocab, padded);
            }
            if (type.equals(LlamaConfig.ARCHITECTURE)) {
                return new LlamaConfig(
                        nLayer,
                        nHead,
                        Integer.parseInt(m.get("n_kv_head")),
                        nEmbd,
                        Integer.parseInt(m.get("intermediate_size")),
                        context,
                        vocab,
                        padded,
                        Float.parseFloat(m.get("rope_theta")),
                        Float.parseFloat(m.get("rms_norm_eps")),
                        Boolean.parseBoolean(m.get("tie_word_embeddings")));
            }
            throw new IOException("unknown model_type " + type + " (gpt2 or llama)");
        } catch (RuntimeException e) {
            throw new IOException("safetensors metadata lacks the model shape: " + m, e);
        }
    }

    private static LanguageModel fromWeights(SafeTensors.Contents st, ThreadPool pool) throws IOException {
        TransformerConfig c = configOf(st.metadata());
        LanguageModel model = LanguageModel.empty(c, pool);
        float[] params = model.params();
        for (ParamTensor t : model.tensors()) {
            SafeTensors.Tensor s = st.require(t.name());
            long[] expected = toLong(t.hfShape(c.vocab()));
            if (!java.util.Arrays.equals(s.shape(), expected)) {
                throw new IOException(t.name() + ": shape " + java.util.Arrays.toString(s.shape()) + " != "
                        + java.util.Arrays.toString(expected));
            }
            if (t.transposedInHf()) {
                int out = t.shape()[0], in = t.shape()[1];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        params[t.offset() + o * in + i] = s.data()[i * out + o];
                    }
                }
            } else {
                System.arraycopy(s.data(), 0, params, t.offset(), s.size());
            }
        }
        return model;
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
