package dev.kiln.tokenizer.catalog;

/** The training text was valid but too small or too uniform to learn a single merge from. */
public final class NothingLearnedException extends RuntimeException {

    public NothingLearnedException(String message) {
        super(message);
    }
}
