package dev.kiln.tokenizer.catalog;

import java.util.List;

/** No encoding is served under the name asked for. */
public final class EncodingNotFoundException extends RuntimeException {

    public EncodingNotFoundException(String name, List<String> available) {
        // The name is the caller's and may be megabytes long: quote its start, keep the list.
        super("encoding '" + (name.length() > 80 ? name.substring(0, 80) + "…" : name) + "' does not exist; available: "
                + available);
    }
}
