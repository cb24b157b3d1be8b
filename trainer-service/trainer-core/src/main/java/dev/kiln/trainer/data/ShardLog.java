package dev.kiln.trainer.data;

import java.util.List;
import java.util.Map;

/**
 * A partitioned, offset-addressed log of TokenShard records, as a Kafka topic is: what the
 * {@link ShardSchedule} needs of its transport. The trainer service implements it over a Kafka
 * consumer; tests implement it in memory.
 */
public interface ShardLog extends AutoCloseable {

    /** One record: its partition, its offset there, and the serialized TokenShard. */
    record Record(int partition, long offset, byte[] value) {}

    /** The partitions of the log, in ascending order; fixed for the life of the log. */
    List<Integer> partitions();

    /** Records fetched since the last call, in offset order per partition; empty after a short wait if none. */
    List<Record> poll();

    /** The offset of the next record {@link #poll} will fetch from {@code partition}. */
    long position(int partition);

    /** The offset after the last record of every partition, as of now. */
    Map<Integer, Long> endOffsets();

    /** Makes {@link #poll} continue {@code partition} at {@code offset}. */
    void seek(int partition, long offset);

    /** Makes {@link #poll} continue {@code partition} at its first retained record. */
    void seekToBeginning(int partition);

    @Override
    void close();
}
