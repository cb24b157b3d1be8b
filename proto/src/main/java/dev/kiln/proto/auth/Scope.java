package dev.kiln.proto.auth;

import java.util.Locale;

/**
 * What an API key may do. The two scopes are independent: {@code admin} does not imply
 * {@code generate}. The key file lists scopes per key ({@code key admin,generate}), which only
 * means something if they do not nest, and it lets an operator hand out a key that manages models
 * and runs without spending inference capacity (or the reverse). A key that should do both says so.
 */
public enum Scope {
    /** Generation, tokenization and every read-only RPC. */
    GENERATE,
    /** Loading and unloading models, starting/stopping/exporting runs, ingestion, tokenizer training. */
    ADMIN;

    /** The name used in key files and messages: {@code generate}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
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
