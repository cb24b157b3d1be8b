package dev.kiln.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order, positions and validation split of Kafka shards, on an in-memory log: no broker. */
class ShardScheduleTest {

    private static final String ENCODING = "r50k_base";

    /**
     * A partitioned log held in memory. Like a consumer, a poll returns at most one record per
     * partition; a partition can be made slow: its records exist (the end offsets count them)
     * but arrive only after some polls.
     */
    private static final class InMemoryLog implements ShardLog {
        final Map<Integer, List<byte[]>> records = new TreeMap<>();
        final Map<Integer, Long> positions = new HashMap<>();
        final Map<Integer, Integer> pollsBeforeArrival = new HashMap<>();
        int polls;
        boolean closed;

        InMemoryLog add(int partition, TokenShard shard) {
            records.computeIfAbsent(partition, p -> new ArrayList<>()).add(shard.toByteArray());
            return this;
        }

        @Override
        public List<Integer> partitions() {
            return List.copyOf(records.keySet());
        }

        @Override
        public List<Record> poll() {
            polls++;
            List<Record> out = new ArrayList<>();
            for (int p : records.keySet()) {
                long at = position(p);
                if (at < records.get(p).size() && polls > pollsBeforeArrival.getOrDefault(p, 0)) {
                    out.add(new Record(p, at, records.get(p).get((int) at)));
                    positions.put(p, at + 1);
                }
            }
            return out;
        }

        @Override
        public long position(int partition) {
            return positions.getOrDefault(partition, 0L);
        }

        @Override
        public Map<Integer, Long> endOffsets() {
            Map<Integer, Long> ends = new HashMap<>();
            records.forEach((p, list) -> ends.put(p, (long) list.size()));
            return ends;
        }

        @Override
        public void seek(int partition, long offset) {
            positions.put(partition, offset);
        }

        @Override
        public void seekToBeginning(int partition) {
            positions.put(partition, 0L);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A shard of {@code length} tokens, all equal to {@code token}, so the stream shows which shard it came from. */
    private static TokenShard shard(String id, int token, int length) {
        int[] ids = new int[length];
        java.util.Arrays.fill(ids, token);
        ByteString packed = TokenShards.pack(ids, length, TokenWidth.TOKEN_WIDTH_UINT16);
        return TokenShard.newBuilder()
                .setShardId(id)
                .setEncoding(ENCODING)
                .setVocabSize(50257)
                .setTokenCount(length)
                .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                .setTokens(packed)
                .setCrc32C(TokenShards.crc32c(packed))
                .build();
    }

    private static ShardSchedule.Settings settings(double validationFraction, Path dir) {
        return new ShardSchedule.Settings(
                "shards",
                ENCODING,
                Duration.ofSeconds(5),
                Duration.ZERO,
                validationFraction,
                1_000,
                dir.resolve("validation.tokens"));
    }

    private static boolean heldOut(String id, double fraction) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 10_000 < fraction * 10_000;
    }

    private static int[] read(TokenStream stream, int n) throws InterruptedException {
        int[] tokens = new int[n];
        stream.read(tokens, 0, n);
        return tokens;
    }

    /** Two partitions, three shards of 4 tokens each; shard k of partition p is made of token 10 × p + k. */
    private static InMemoryLog twoPartitions() {
        InMemoryLog log = new InMemoryLog();
        for (int k = 0; k < 3; k++) {
            log.add(0, shard("p0-" + k, k, 4)).add(1, shard("p1-" + k, 10 + k, 4));
        }
        return log;
    }

    @Test
    void takesShardsInAStrictRoundRobinEvenWhenAPartitionIsSlow(@TempDir Path dir) throws Exception {
        InMemoryLog log = twoPartitions();
        log.pollsBeforeArrival.put(1, 5);
        try (ShardSchedule schedule = new ShardSchedule(log, settings(0, dir), Map.of())) {
            assertThat(read(schedule, 24))
                    .containsExactly(
                            0, 0, 0, 0, 10, 10, 10, 10, 1, 1, 1, 1, 11, 11, 11, 11, 2, 2, 2, 2, 12, 12, 12, 12);
            // drained: the next epoch starts again from the beginning of every partition
            assertThat(read(schedule, 5)).containsExactly(0, 0, 0, 0, 10);
            assertThat(schedule.position()).containsEntry("kafka.epoch", 1L);
        }
        assertThat(log.closed).isTrue();
    }

    @Test
    void skipsShardsOfOtherEncodingsAndCorruptShards(@TempDir Path dir) throws Exception {
        InMemoryLog log = new InMemoryLog();
        log.add(0, shard("a", 1, 2));
        log.add(0, shard("other", 2, 2).toBuilder().setEncoding("cl100k_base").build());
        log.add(0, shard("corrupt", 3, 2).toBuilder().setCrc32C(12345).build());
        log.add(0, shard("b", 4, 2));
        try (ShardSchedule schedule = new ShardSchedule(log, settings(0, dir), Map.of())) {
            assertThat(read(schedule, 4)).containsExactly(1, 1, 4, 4);
            assertThat(schedule.corruptShards()).isEqualTo(1);
        }
    }

    @Test
    void resumesFromASavedPositionInsideAShardWithNothingSkippedOrRepeated(@TempDir Path dir) throws Exception {
        int[] uninterrupted;
        try (ShardSchedule schedule = new ShardSchedule(twoPartitions(), settings(0, dir.resolve("a")), Map.of())) {
            uninterrupted = read(schedule, 30);
        }
        for (int cut : new int[] {0, 1, 4, 6, 13, 24, 26}) {
            Path runDir = dir.resolve("cut-" + cut);
            Map<String, Long> position;
            int[] before;
            try (ShardSchedule schedule = new ShardSchedule(twoPartitions(), settings(0, runDir), Map.of())) {
                before = read(schedule, cut);
                position = schedule.position();
            }
            int[] after;
            try (ShardSchedule schedule = new ShardSchedule(twoPartitions(), settings(0, runDir), position)) {
                after = read(schedule, 30 - cut);
            }
            int[] resumed = new int[30];
            System.arraycopy(before, 0, resumed, 0, cut);
            System.arraycopy(after, 0, resumed, cut, 30 - cut);
            assertThat(resumed).as("stopped after %d tokens", cut).containsExactly(uninterrupted);
        }
    }

    @Test
    void holdsOutShardsByTheHashOfTheirId(@TempDir Path dir) throws Exception {
        double fraction = 0.5;
        InMemoryLog log = new InMemoryLog();
        List<Integer> expectedTraining = new ArrayList<>();
        List<Integer> expectedValidation = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "s" + i;
            log.add(0, shard(id, 100 + i, 3));
            (heldOut(id, fraction) ? expectedValidation : expectedTraining).add(100 + i);
        }
        assertThat(expectedValidation).isNotEmpty();
        assertThat(expectedTraining).hasSizeGreaterThan(2);
        try (ShardSchedule schedule = new ShardSchedule(log, settings(fraction, dir), Map.of())) {
            // One token past the epoch, so that the held-out shards after the last training shard were passed too.
            int[] tokens = read(schedule, 3 * expectedTraining.size() + 1);
            List<Integer> training = new ArrayList<>();
            for (int i = 0; i < tokens.length - 1; i += 3) {
                training.add(tokens[i]);
            }
            assertThat(training).isEqualTo(expectedTraining);
            List<Integer> validation = new ArrayList<>();
            for (int token : schedule.validationTokens()) {
                if (validation.isEmpty() || validation.get(validation.size() - 1) != token) {
                    validation.add(token);
                }
            }
            // Collected in the first epoch only: the second does not add them again.
            assertThat(validation).isEqualTo(expectedValidation);
            assertThat(schedule.position()).containsEntry("validation.tokens", 3L * expectedValidation.size());
        }
    }
}
