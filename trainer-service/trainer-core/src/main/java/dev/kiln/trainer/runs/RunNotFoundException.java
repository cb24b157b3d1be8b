package dev.kiln.trainer.runs;

/** No run has the id a request named. */
public final class RunNotFoundException extends RuntimeException {
    public RunNotFoundException(String runId) {
        super("no run '" + runId + "'; ListRuns lists them");
    }
}
