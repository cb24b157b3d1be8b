package dev.kiln.trainer.runs;

import dev.kiln.proto.trainer.v1.TrainingEvent;

/** One client following a run's events (the gRPC adapter wraps a WatchRun call in one). */
public interface RunWatcher {

    void onEvent(TrainingEvent event);

    /** The run ended (stopped, failed or completed): no more events come. */
    void onEnd();

    /** Whether the client went away; a cancelled watcher is dropped. */
    boolean isCancelled();

    /** Runs {@code handler} when the client goes away. */
    void onCancel(Runnable handler);
}
