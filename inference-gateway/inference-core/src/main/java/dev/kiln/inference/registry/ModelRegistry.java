package dev.kiln.inference.registry;

import dev.kiln.inference.chat.ChatConfig;
import dev.kiln.inference.chat.ChatFormat;
import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.engine.EngineMetrics;
import dev.kiln.inference.model.BundleConfig;
import dev.kiln.inference.model.CudaOptions;
import dev.kiln.inference.model.DecoderModel;
import dev.kiln.inference.model.InvalidBundleException;
import dev.kiln.inference.model.OrtDecoderModel;
import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.text.BundleTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The models being served, by name. Loading opens the ONNX session and starts the model's
 * scheduler; replacing or unloading lets requests in flight finish on the old instance.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());

    /**
     * @param ort          ONNX Runtime options (provider, threads)
     * @param batch        per-model scheduler limits
     * @param chatPrompt   few-shot conversation prompt for a model name (null: the default)
     */
    public record Settings(
            OrtSessions.Options ort, ContinuousBatcher.Config batch, Function<String, String> chatPrompt) {}

    private final Settings settings;
    private final EngineMetrics metrics;
    private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();

    public ModelRegistry(Settings settings, EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * Loads a bundle under a name. The name is only a key here: the adapters check it against
     * the project's naming rule before it reaches the core.
     *
     * @param provider null for the configured default
     * @throws BundleNotFoundException  no such directory
     * @throws InvalidBundleException   not a valid bundle, or a file where the directory should be
     *     (the message says why)
     * @throws ModelExistsException     the name is taken and replace is false
     */
    public LoadedModel load(String name, Path dir, boolean replace, DecoderModel.Provider provider) {
        return load(name, dir, replace, provider, null);
    }

    /**
     * As {@link #load(String, Path, boolean, DecoderModel.Provider)} with this model's own CUDA
     * provider options (null for the configured ones).
     */
    public synchronized LoadedModel load(
            String name, Path dir, boolean replace, DecoderModel.Provider provider, CudaOptions cuda) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new InvalidBundleException(dir + " is not a directory: a bundle is a directory holding "
                        + "config.json, the ONNX graph and the tokenizer");
            }
            throw new BundleNotFoundException("bundle directory " + dir + " does not exist");
        }
        if (!replace && models.containsKey(name)) {
            throw new ModelExistsException("model " + name + " is already loaded (set replace to swap it)");
        }
        BundleConfig cfg;
        BundleTokenizer tok;
        ChatConfig chatConfig;
        try {
            cfg = BundleConfig.read(dir);
            tok = BundleTokenizer.load(dir);
            chatConfig = ChatConfig.read(dir);
        } catch (IOException e) {
            throw new InvalidBundleException("cannot read bundle " + dir + ": " + e.getMessage(), e);
        }
        OrtSessions.Options o = settings.ort();
        if (provider != null || cuda != null) {
            o = new OrtSessions.Options(
                    provider != null ? provider : o.provider(), o.intraOpThreads(), cuda != null ? cuda : o.cuda());
        }
        OrtDecoderModel model = OrtDecoderModel.open(dir, cfg, o);
        try {
            if (tok.vocabularySize() > model.shape().vocab()) {
                throw new InvalidBundleException("the tokenizer has " + tok.vocabularySize()
                        + " tokens but the model only " + model.shape().vocab() + " logits");
            }
            String sha = sha256(dir.resolve(cfg.modelFile()));
            Set<Integer> eos = new HashSet<>(cfg.eosTokenIds());
            // The template's end of turn (tokenizer_config.json's eos_token, e.g. Qwen's <|im_end|>)
            // ends an answer even where generation_config.json does not list it.
            Integer turnEnd = tok.encoding().specialTokens().get(chatConfig.eosToken());
            if (turnEnd != null) {
                eos.add(turnEnd);
            }
            ContinuousBatcher batcher =
                    new ContinuousBatcher(name, model, tok, vocab(cfg, model, tok), eos, settings.batch(), metrics);
            ChatFormat chat = new ChatFormat(
                    chatConfig,
                    settings.chatPrompt() == null ? null : settings.chatPrompt().apply(name),
                    tok);
            LoadedModel m =
                    new LoadedModel(name, dir.toAbsolutePath(), cfg, model, tok, batcher, sha, Instant.now(), chat);
            LoadedModel old = models.put(name, m);
            LOG.log(
                    Level.INFO,
                    "loaded model {0} from {1} ({2} layers, {3} kv heads x {4}, context {5}, {6})",
                    name,
                    dir,
                    model.shape().layers(),
                    model.shape().kvHeads(),
                    model.shape().headDim(),
                    model.shape().context(),
                    model.provider());
            if (old != null) {
                retire(old);
            }
            return m;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Tokens that may be sampled: known to config.json, the logits and the tokenizer alike. */
    static int vocab(BundleConfig cfg, OrtDecoderModel model, BundleTokenizer tok) {
        return Math.min(Math.min(cfg.vocabSize(), model.shape().vocab()), tok.vocabularySize());
    }

    /**
     * Unloads a model: new requests get {@link UnknownModelException}, running and queued ones finish.
     *
     * @throws UnknownModelException when no such model is loaded
     */
    public synchronized void unload(String name) {
        LoadedModel m = models.remove(name);
        if (m == null) {
            throw unknown(name);
        }
        retire(m);
    }

    private void retire(LoadedModel m) {
        m.batcher().shutdown(true);
        Thread t = new Thread(
                () -> {
                    try {
                        m.batcher().awaitTermination(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    m.model().close();
                    LOG.log(Level.INFO, "unloaded model {0}", m.name());
                },
                "kiln-unload-" + m.name());
        t.setDaemon(true);
        t.start();
    }

    /** @throws UnknownModelException naming the loaded models */
    public LoadedModel get(String name) {
        LoadedModel m = models.get(name);
        if (m == null) {
            throw unknown(name);
        }
        return m;
    }

    public Optional<LoadedModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public List<LoadedModel> list() {
        return new ArrayList<>(new TreeMap<>(models).values());
    }

    public boolean isEmpty() {
        return models.isEmpty();
    }

    private UnknownModelException unknown(String name) {
        return new UnknownModelException(
                "model '" + name + "' is not loaded; loaded: " + new TreeMap<>(models).keySet());
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new InvalidBundleException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        for (LoadedModel m : models.values()) {
            m.batcher().close();
            m.model().close();
        }
        models.clear();
    }
}
