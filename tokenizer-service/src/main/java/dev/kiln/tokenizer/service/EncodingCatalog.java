package dev.kiln.tokenizer.service;

import dev.kiln.proto.tokenizer.v1.EncodingSource;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encodings this server serves and where each came from: the built-ins, files found in the
 * encodings directory, and encodings trained here. Plain Java; the service wires it up.
 */
public final class EncodingCatalog {

    private final EncodingRegistry registry;
    private final Map<String, EncodingSource> sources = new ConcurrentHashMap<>();

    public EncodingCatalog(EncodingRegistry registry) {
        this.registry = registry;
        for (String name : registry.names()) {
            sources.put(name, EncodingSource.ENCODING_SOURCE_BUILTIN);
        }
    }

    public Optional<Encoding> find(String name) {
        return registry.find(name);
    }

    /** Every name, sorted. */
    public List<String> names() {
        return List.copyOf(registry.names());
    }

    public EncodingSource sourceOf(String name) {
        return sources.getOrDefault(name, EncodingSource.ENCODING_SOURCE_UNSPECIFIED);
    }

    public boolean contains(String name) {
        return sources.containsKey(name);
    }

    /** Serves an encoding under its name, replacing one of the same name. */
    public void add(Encoding encoding, EncodingSource source) {
        registry.register(encoding);
        sources.put(encoding.name(), source);
    }
}
