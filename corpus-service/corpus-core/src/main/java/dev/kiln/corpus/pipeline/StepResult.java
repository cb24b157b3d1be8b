package dev.kiln.corpus.pipeline;

import java.util.Map;

/**
 * The verdict of one step on one document: kept, or dropped with a named reason (the reasons are the
 * ones datatrove's filters return, e.g. {@code gopher_short_doc}) and optional details for debugging.
 */
public record StepResult(boolean kept, String reason, Map<String, Object> details) {
    private static final StepResult KEEP = new StepResult(true, null, Map.of());

    public StepResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static StepResult keep() {
        return KEEP;
    }

    public static StepResult keep(Map<String, Object> details) {
        return new StepResult(true, null, details);
    }

    public static StepResult drop(String reason) {
        return new StepResult(false, reason, Map.of());
    }

    public static StepResult drop(String reason, Map<String, Object> details) {
        return new StepResult(false, reason, details);
    }

    public boolean dropped() {
        return !kept;
    }
}
