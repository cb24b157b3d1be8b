package dev.kiln.tokenizer.catalog;

/** A new encoding would replace one of the same name, and replacing was not asked for. */
public final class EncodingExistsException extends RuntimeException {

    public EncodingExistsException(String name) {
        super("encoding '" + name + "' exists; set overwrite to replace it");
    }
}
