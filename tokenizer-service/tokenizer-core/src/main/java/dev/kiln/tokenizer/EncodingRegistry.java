package dev.kiln.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Named encodings: the four standard OpenAI encodings out of the box, plus any the application
 * registers (trained or loaded from files). Built-ins are loaded on first use and then shared.
 *
 * <p>The built-in rank files are read at run time from the {@code com.knuddels:jtokkit} jar (MIT
 * licence), which ships OpenAI's published files; no jtokkit code is used.
 */
public final class EncodingRegistry {
    public static final String R50K_BASE = "r50k_base";
    public static final String P50K_BASE = "p50k_base";
    public static final String CL100K_BASE = "cl100k_base";
    public static final String O200K_BASE = "o200k_base";

    private static final String FIM_PREFIX = "<|fim_prefix|>";
    private static final String FIM_MIDDLE = "<|fim_middle|>";
    private static final String FIM_SUFFIX = "<|fim_suffix|>";
    private static final String ENDOFPROMPT = "<|endofprompt|>";
    private static final String RESOURCE_DIR = "/com/knuddels/jtokkit/";

    private static final EncodingRegistry DEFAULT = new EncodingRegistry();

    private final Map<String, Supplier<Encoding>> factories = new ConcurrentHashMap<>();
    private final Map<String, Encoding> loaded = new ConcurrentHashMap<>();

    public EncodingRegistry() {
        factories.put(
                R50K_BASE,
                () -> builtIn(
                        R50K_BASE,
                        "r50k_base.tiktoken",
                        Pretokenizer.R50K_PATTERN,
                        Map.of(Encoding.END_OF_TEXT, 50256)));
        factories.put(
                P50K_BASE,
                () -> builtIn(
                        P50K_BASE,
                        "p50k_base.tiktoken",
                        Pretokenizer.R50K_PATTERN,
                        Map.of(Encoding.END_OF_TEXT, 50256)));
        factories.put(
                CL100K_BASE,
                () -> builtIn(
                        CL100K_BASE,
                        "cl100k_base.tiktoken",
                        Pretokenizer.CL100K_PATTERN,
                        Map.of(
                                Encoding.END_OF_TEXT,
                                100257,
                                FIM_PREFIX,
                                100258,
                                FIM_MIDDLE,
                                100259,
                                FIM_SUFFIX,
                                100260,
                                ENDOFPROMPT,
                                100276)));
        factories.put(
                O200K_BASE,
                () -> builtIn(
                        O200K_BASE,
                        "o200k_base.tiktoken",
                        Pretokenizer.O200K_PATTERN,
                        Map.of(Encoding.END_OF_TEXT, 199999, ENDOFPROMPT, 200018)));
    }

    /** The process-wide registry with the built-ins. */
    public static EncodingRegistry getDefault() {
        return DEFAULT;
    }

    /** The encoding of that name; throws IllegalArgumentException naming the known ones if absent. */
    public Encoding get(String name) {
        return find(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown encoding '" + name + "'; known: " + names()));
    }

    public Optional<Encoding> find(String name) {
        Encoding e = loaded.get(name);
        if (e != null) {
            return Optional.of(e);
        }
        Supplier<Encoding> factory = factories.get(name);
        if (factory == null) {
            return Optional.empty();
        }
        return Optional.of(loaded.computeIfAbsent(name, n -> factory.get()));
    }

    /** Adds or replaces an encoding under its name. */
    public void register(Encoding encoding) {
        loaded.put(encoding.name(), encoding);
        factories.put(encoding.name(), () -> encoding);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(factories.keySet()));
    }

    public boolean isBuiltIn(String name) {
        return Set.of(R50K_BASE, P50K_BASE, CL100K_BASE, O200K_BASE).contains(name);
    }

    private static Encoding builtIn(String name, String file, String pattern, Map<String, Integer> specials) {
        RankTable ranks = TiktokenRankFile.readResource(RESOURCE_DIR + file);
        return new Encoding(name, Pretokenizer.forPattern(pattern), ranks, new LinkedHashMap<>(specials));
    }
}
