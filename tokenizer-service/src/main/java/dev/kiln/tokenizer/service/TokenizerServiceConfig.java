package dev.kiln.tokenizer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the tokenizer service, under {@code kiln.tokenizer}. */
@ConfigMapping(prefix = "kiln.tokenizer")
public interface TokenizerServiceConfig {

    /**
     * Directory of encodings beyond the built-ins: every {@code <name>.tokenizer.json} (Hugging
     * Face format) in it is served as {@code <name>} at start, and TrainTokenizer saves new
     * encodings here, so they survive a restart.
     */
    @WithDefault("data/encodings")
    String encodingsDir();

    /** Longest text one Tokenize, CountTokens or stream item may carry, in UTF-16 chars. */
    @WithDefault("8388608")
    int maxTextChars();

    /** Most ids one Detokenize may carry. */
    @WithDefault("4194304")
    int maxIds();

    /** Most training text one TrainTokenizer call may send, in bytes of UTF-8. */
    @WithDefault("2147483648")
    long maxTrainingBytes();
}
