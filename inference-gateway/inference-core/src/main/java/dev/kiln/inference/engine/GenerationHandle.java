package dev.kiln.inference.engine;

/** A submitted request. */
public interface GenerationHandle {
    /**
     * Stops the request: a queued one leaves the queue now, a running one before the next decode
     * step; its slot is free for the next request. The listener gets onFinish(CANCELLED) unless
     * it already finished.
     */
    void cancel();
}
