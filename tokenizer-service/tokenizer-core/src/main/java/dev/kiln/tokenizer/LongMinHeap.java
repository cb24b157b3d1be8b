package dev.kiln.tokenizer;

import java.util.Arrays;

/** A binary min-heap of primitive longs; entries pack (priority, tie-break) so one compare orders both. */
final class LongMinHeap {
    private long[] heap;
    private int size;

    LongMinHeap(int capacity) {
        heap = new long[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    /** Appends without restoring order; call {@link #heapify} before the first poll. */
    void addUnordered(long v) {
        ensure();
        heap[size++] = v;
    }

    void heapify() {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    void add(long v) {
        ensure();
        int i = size++;
        long[] h = heap;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long p = h[parent];
            if (p <= v) {
                break;
            }
            h[i] = p;
            i = parent;
        }
        h[i] = v;
    }

    long poll() {
        long[] h = heap;
        long top = h[0];
        long last = h[--size];
        if (size > 0) {
            h[0] = last;
            siftDown(0);
        }
        return top;
    }

    private void siftDown(int i) {
        long[] h = heap;
        int n = size;
        long v = h[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && h[child + 1] < h[child]) {
                child++;
            }
            if (h[child] >= v) {
                break;
            }
            h[i] = h[child];
            i = child;
        }
        h[i] = v;
    }

    private void ensure() {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
    }
}
