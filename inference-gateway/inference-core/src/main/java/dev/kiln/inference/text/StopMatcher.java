package dev.kiln.inference.text;

import java.util.List;

/**
 * Finds stop sequences in streamed text without ever emitting them. Text that could still be
 * the start of a stop sequence is held back until the next piece decides it either way, so a
 * stop string that arrives split across tokens is caught and none of it reaches the client.
 */
public final class StopMatcher {
    private final String[] stops;
    private final int longest;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toArray(String[]::new);
        int l = 0;
        for (String s : this.stops) {
            l = Math.max(l, s.length());
        }
        this.longest = l;
    }

    public boolean stopped() {
        return stopped;
    }

    /**
     * Adds newly decoded text; returns the part that is safe to emit now (possibly empty). After
     * a stop sequence is found, {@link #stopped()} is true, the text before it has been returned
     * and everything after it is dropped.
     */
    public String push(String text) {
        if (stopped) {
            return "";
        }
        if (stops.length == 0) {
            return text;
        }
        pending.append(text);
        int at = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            stopped = true;
            String out = pending.substring(0, at);
            pending.setLength(0);
            return out;
        }
        int hold = heldBack();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** The text held back at the end of generation (no stop sequence came): emit it. */
    public String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    private boolean startsAt(int from, String s, int len) {
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the longest suffix of pending that is a proper prefix of some stop string. */
    private int heldBack() {
        int max = Math.min(pending.length(), longest - 1);
        for (int len = max; len > 0; len--) {
            int from = pending.length() - len;
            for (String s : stops) {
                if (s.length() > len && startsAt(from, s, len)) {
                    return len;
                }
            }
        }
        return 0;
    }
}
