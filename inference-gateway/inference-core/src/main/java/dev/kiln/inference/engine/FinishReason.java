package dev.kiln.inference.engine;

/** Why a generation ended. */
public enum FinishReason {
    LENGTH,
    STOP,
    EOS,
    CANCELLED
}
