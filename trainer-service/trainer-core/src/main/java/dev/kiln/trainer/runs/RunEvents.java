package dev.kiln.trainer.runs;

import dev.kiln.proto.trainer.v1.TrainingEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The events of one run: the latest ones kept for replay, and every watcher fed as they happen.
 * A watcher that cancels is dropped; when the run ends, every watcher's stream completes.
 */
final class RunEvents {

    private final int capacity;
    private final ArrayDeque<TrainingEvent> history = new ArrayDeque<>();
    private final List<RunWatcher> watchers = new CopyOnWriteArrayList<>();
    private boolean ended;

    RunEvents(int capacity) {
        this.capacity = capacity;
    }

    synchronized void publish(TrainingEvent event) {
        if (history.size() == capacity) {
            history.removeFirst();
        }
        history.addLast(event);
        for (RunWatcher watcher : watchers) {
            if (watcher.isCancelled()) {
                watchers.remove(watcher);
            } else {
                watcher.onEvent(event);
            }
        }
    }

    synchronized void watch(RunWatcher watcher, boolean replay) {
        if (replay) {
            for (TrainingEvent event : new ArrayList<>(history)) {
                watcher.onEvent(event);
            }
        }
        if (ended) {
            watcher.onEnd();
            return;
        }
        watcher.onCancel(() -> watchers.remove(watcher));
        watchers.add(watcher);
    }

    /** The run stopped, failed or completed: every open watch ends. */
    synchronized void end() {
        ended = true;
        for (RunWatcher watcher : watchers) {
            if (!watcher.isCancelled()) {
                watcher.onEnd();
            }
        }
        watchers.clear();
    }

    /** A resumed run takes watchers again. */
    synchronized void reopen() {
        ended = false;
    }
}
