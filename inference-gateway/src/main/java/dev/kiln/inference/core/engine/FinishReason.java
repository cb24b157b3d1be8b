package dev.kiln.inference.core.engine;

/** Why a generation ended. */
public enum FinishReason {
    LENGTH,
    STOP,
    EOS,
    CANCELLED
}
