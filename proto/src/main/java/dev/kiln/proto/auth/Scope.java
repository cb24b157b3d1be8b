package dev.kiln.proto.auth;

import java.util.Locale;

/**
 * What an API key may do. {@code admin} includes {@code generate}: an operator's admin key that
 * loads a model can also try it, which is what operators expect; a key that must only manage
 * models is not a use case the issue names.
 */
public enum Scope {
    /** Generation, tokenization and every read-only RPC. */
    GENERATE,
    /** Loading and unloading models, runs, ingestion, tokenizer training; implies {@link #GENERATE}. */
    ADMIN;

    /** The name used in key files and messages: {@code generate}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a key holding this scope may do what {@code required} guards. */
    public boolean covers(Scope required) {
        return this == required || this == ADMIN;
    }

    /** The scope named {@code label}, or an IllegalArgumentException listing the known ones. */
    public static Scope of(String label) {
        for (Scope s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + label + "' (known: generate, admin)");
    }
}
