package dev.kiln.inference.core.registry;

import dev.kiln.inference.core.engine.ContinuousBatcher;
import dev.kiln.inference.core.model.BundleConfig;
import dev.kiln.inference.core.model.OrtDecoderModel;
import dev.kiln.inference.core.text.BundleTokenizer;
import java.nio.file.Path;
import java.time.Instant;

/** A model being served: its bundle, session, tokenizer and scheduler. */
public record LoadedModel(
        String name,
        Path path,
        BundleConfig config,
        OrtDecoderModel model,
        BundleTokenizer tokenizer,
        ContinuousBatcher batcher,
        String sha256,
        Instant loadedAt,
        String chatPrompt) {

    /** The vocabulary tokens are sampled from and prompt ids must lie in: config, logits and tokenizer agree on it. */
    public int vocab() {
        return ModelRegistry.vocab(config, model, tokenizer);
    }

    public int context() {
        return model.shape().context();
    }
}
