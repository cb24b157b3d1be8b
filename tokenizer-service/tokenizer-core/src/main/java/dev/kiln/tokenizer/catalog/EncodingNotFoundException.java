package dev.kiln.tokenizer.catalog;

import java.util.List;

/** No encoding is served under the name asked for. */
public final class EncodingNotFoundException extends RuntimeException {

    public EncodingNotFoundException(String name, List<String> available) {
        super("encoding '" + name + "' does not exist; available: " + available);
    }
}
