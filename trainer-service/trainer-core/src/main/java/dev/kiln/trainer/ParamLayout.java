package dev.kiln.trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lays a model's named tensors back to back in one flat parameter array, in the order added, and
 * checks the total against the count the config computed on its own.
 */
final class ParamLayout {
    private final long expected;
    private final List<ParamTensor> tensors = new ArrayList<>();
    private int size;

    ParamLayout(long expectedCount) {
        if (expectedCount > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("model too large for one flat array: " + expectedCount);
        }
        this.expected = expectedCount;
    }

    /** Appends a tensor and returns its offset. */
    int add(String name, ParamTensor.Kind kind, boolean vocabRows, int... shape) {
        ParamTensor t = new ParamTensor(name, size, shape, kind, vocabRows);
        tensors.add(t);
        size += t.size();
        return t.offset();
    }

    /** The tensors, once their total matches the expected count. */
    List<ParamTensor> tensors() {
        if (size != expected) {
            throw new IllegalStateException("layout " + size + " != " + expected);
        }
        return Collections.unmodifiableList(new ArrayList<>(tensors));
    }

    int size() {
        return size;
    }
}
