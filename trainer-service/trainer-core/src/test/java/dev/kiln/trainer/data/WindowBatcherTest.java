package dev.kiln.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.trainer.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowBatcherTest {
    private static final int B = 3;
    private static final int T = 5;

    /** Token i of the stream is i, so a window names where it came from. */
    private static final class CountingStream implements TokenStream {
        private long next;

        CountingStream(Map<String, Long> position) {
            next = position.getOrDefault("next", 0L);
        }

        @Override
        public void read(int[] dst, int off, int n) {
            for (int i = 0; i < n; i++) {
                dst[off + i] = (int) next++;
            }
        }

        @Override
        public Map<String, Long> position() {
            return Map.of("next", next);
        }

        @Override
        public int[] validationTokens() {
            return new int[0];
        }

        @Override
        public void close() {}
    }

    /** The first input token of every window served, in order. */
    private static List<Integer> windowStarts(WindowBatcher batcher, int batches) throws InterruptedException {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            Batch batch = batcher.next();
            for (int b = 0; b < B; b++) {
                int[] inputs = Arrays.copyOfRange(batch.inputs(), b * T, (b + 1) * T);
                int[] targets = Arrays.copyOfRange(batch.targets(), b * T, (b + 1) * T);
                for (int t = 0; t < T; t++) {
                    assertThat(inputs[t]).isEqualTo(inputs[0] + t);
                    assertThat(targets[t])
                            .as("targets are inputs shifted by one")
                            .isEqualTo(inputs[t] + 1);
                }
                starts.add(inputs[0]);
            }
        }
        return starts;
    }

    private static WindowBatcher batcher(int bufferBatches, long seed, Map<String, Long> position)
            throws InterruptedException {
        return new WindowBatcher(new CountingStream(position), B, T, bufferBatches, seed, position);
    }

    @Test
    void oneBatchPerBufferReadsInStreamOrderAsLlmcDoes() throws Exception {
        List<Integer> starts = windowStarts(batcher(1, 7, Map.of()), 4);
        List<Integer> expected = new ArrayList<>();
        for (int w = 0; w < 4 * B; w++) {
            expected.add(w * T);
        }
        assertThat(starts).isEqualTo(expected);
    }

    @Test
    void aBufferServesEachOfItsWindowsOnceInASeededOrder() throws Exception {
        int buffers = 3;
        int bufferBatches = 4;
        List<Integer> starts = windowStarts(batcher(bufferBatches, 7, Map.of()), buffers * bufferBatches);
        int perBuffer = B * bufferBatches;
        for (int k = 0; k < buffers; k++) {
            List<Integer> served = new ArrayList<>(starts.subList(k * perBuffer, (k + 1) * perBuffer));
            List<Integer> inOrder = new ArrayList<>();
            for (int w = 0; w < perBuffer; w++) {
                inOrder.add((k * perBuffer + w) * T);
            }
            assertThat(served).as("buffer %d is shuffled", k).isNotEqualTo(inOrder);
            assertThat(served).containsExactlyInAnyOrderElementsOf(inOrder);
        }
        assertThat(windowStarts(batcher(bufferBatches, 7, Map.of()), buffers * bufferBatches))
                .as("same seed, same order")
                .isEqualTo(starts);
        assertThat(windowStarts(batcher(bufferBatches, 8, Map.of()), buffers * bufferBatches))
                .as("another seed, another order")
                .isNotEqualTo(starts);
    }

    @Test
    void resumingFromAnyBatchContinuesTheSameOrder() throws Exception {
        int bufferBatches = 4;
        int total = 11;
        List<Integer> uninterrupted = windowStarts(batcher(bufferBatches, 3, Map.of()), total);
        for (int stopAfter = 0; stopAfter <= total; stopAfter++) {
            WindowBatcher first = batcher(bufferBatches, 3, Map.of());
            List<Integer> starts = new ArrayList<>(windowStarts(first, stopAfter));
            Map<String, Long> checkpoint = first.position();
            starts.addAll(windowStarts(batcher(bufferBatches, 3, checkpoint), total - stopAfter));
            assertThat(starts).as("stopped after batch %d", stopAfter).isEqualTo(uninterrupted);
        }
    }

    @Test
    void aCheckpointOfTheSequentialBatcherBeforeBuffersStillResumes() throws Exception {
        // What SequentialBatcher wrote: the stream position and the carried token only.
        List<Integer> uninterrupted = windowStarts(batcher(1, 0, Map.of()), 4);
        Map<String, Long> old = Map.of("next", (long) 2 * B * T + 1, "batcher.carry", (long) 2 * B * T);
        assertThat(windowStarts(batcher(1, 0, old), 2)).isEqualTo(uninterrupted.subList(2 * B, 4 * B));
    }

    @Test
    void aBufferOfNoBatchesIsRefused() {
        assertThatThrownBy(() -> batcher(0, 1, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferBatches");
    }
}
