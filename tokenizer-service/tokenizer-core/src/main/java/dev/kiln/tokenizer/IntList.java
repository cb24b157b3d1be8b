package dev.kiln.tokenizer;

import java.util.Arrays;

/** A growable int array, so encoding appends ids without boxing. */
final class IntList {
    int[] data;
    int size;

    IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size + (size >> 1) + 16);
        }
        data[size++] = v;
    }

    void clear() {
        size = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
