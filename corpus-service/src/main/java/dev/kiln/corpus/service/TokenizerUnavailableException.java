package dev.kiln.corpus.service;

/** The tokenizer service, without which no shard can be built, cannot be reached. */
public final class TokenizerUnavailableException extends RuntimeException {
    public TokenizerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
