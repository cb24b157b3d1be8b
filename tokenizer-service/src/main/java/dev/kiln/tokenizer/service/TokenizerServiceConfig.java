package dev.kiln.tokenizer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the tokenizer service, under {@code kiln.tokenizer}. */
@ConfigMapping(prefix = "kiln.tokenizer")
public interface TokenizerServiceConfig {

    /**
     * Directory of encodings beyond the built-ins: every {@code *.tiktoken} (with its
     * {@code *.json} sidecar) and {@code *tokenizer.json} in it is served at start, and
     * TrainTokenizer saves new encodings here, so they survive a restart.
     */
    @WithDefault("data/encodings")
    String encodingsDir();

    /** Longest text one Tokenize, CountTokens or stream item may carry, in UTF-16 chars. */
    @WithDefault("8388608")
    int maxTextChars();

    /** Most ids one Detokenize may carry. */
    @WithDefault("4194304")
    int maxIds();

    /** Most training text one TrainTokenizer call may send, in bytes. */
    @WithDefault("2147483648")
    long maxTrainingBytes();
}
