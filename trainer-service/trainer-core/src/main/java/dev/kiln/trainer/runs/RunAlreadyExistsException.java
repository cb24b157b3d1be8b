package dev.kiln.trainer.runs;

/** StartRun named a run that exists already. */
public final class RunAlreadyExistsException extends RuntimeException {
    public RunAlreadyExistsException(String name) {
        super("a run named '" + name + "' exists; pick another name, or ResumeRun it");
    }
}
