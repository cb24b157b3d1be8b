package dev.kiln.inference.registry;

import dev.kiln.inference.chat.ChatFormat;
import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.model.BundleConfig;
import dev.kiln.inference.model.OrtDecoderModel;
import dev.kiln.inference.text.BundleTokenizer;
import java.nio.file.Path;
import java.time.Instant;

/** A model being served: its bundle, session, tokenizer, scheduler and chat format. */
public record LoadedModel(
        String name,
        Path path,
        BundleConfig config,
        OrtDecoderModel model,
        BundleTokenizer tokenizer,
        ContinuousBatcher batcher,
        String sha256,
        Instant loadedAt,
        ChatFormat chat) {

    /** The vocabulary tokens are sampled from and prompt ids must lie in: config, logits and tokenizer agree on it. */
    public int vocab() {
        return ModelRegistry.vocab(config, model, tokenizer);
    }

    public int context() {
        return model.shape().context();
    }
}
