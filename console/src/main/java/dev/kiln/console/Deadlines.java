package dev.kiln.console;

/** How long the console waits for a service before telling the page DEADLINE_EXCEEDED. */
final class Deadlines {
    /** Reads and small writes. */
    static final long UNARY_SECONDS = 30;
    /** ExportModel writes an ONNX bundle; LoadModel reads and checks one. */
    static final long BUNDLE_SECONDS = 600;

    private Deadlines() {}
}
