package dev.kiln.tokenizer.catalog;

import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encodings a tokenizer server serves and where each came from: the built-ins, files found
 * in the encodings directory, and encodings trained there.
 */
public final class EncodingCatalog {

    /** Where an encoding came from. */
    public enum Source {
        BUILTIN,
        FILE,
        TRAINED
    }

    private final EncodingRegistry registry;
    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    public EncodingCatalog(EncodingRegistry registry) {
        this.registry = registry;
        for (String name : registry.names()) {
            sources.put(name, Source.BUILTIN);
        }
    }

    public Optional<Encoding> find(String name) {
        return registry.find(name);
    }

    /** The encoding called {@code name}, or an {@link EncodingNotFoundException} listing those there are. */
    public Encoding require(String name) {
        return registry.find(name).orElseThrow(() -> new EncodingNotFoundException(name, names()));
    }

    /** Every name, sorted. */
    public List<String> names() {
        return List.copyOf(registry.names());
    }

    /** Where {@code name} came from; empty when nothing is served under it. */
    public Optional<Source> sourceOf(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    public boolean contains(String name) {
        return sources.containsKey(name);
    }

    /** Serves an encoding under its name, replacing one of the same name. */
    public void add(Encoding encoding, Source source) {
        registry.register(encoding);
        sources.put(encoding.name(), source);
    }
}
