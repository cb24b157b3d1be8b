package dev.kiln.corpus.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.proto.corpus.v1.TokenShard;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The shard sink's real transactional producer, killed at one point of a transaction as a killed process
 * would be: at the commit of the first transaction that holds a shard {@code when} accepts, before or
 * after the commit reaches the broker. A forced close sends no EndTxn, so a transaction killed before its
 * commit stays open on the broker until the restarted replica's {@code initTransactions} aborts it.
 */
final class CrashingShardProducer extends KafkaProducer<byte[], byte[]> {

    enum CrashPoint {
        /** The shard and its marks are on the broker, uncommitted. */
        BEFORE_COMMIT,
        /** Committed, but nobody learns it: the documents' offsets are never committed. */
        AFTER_COMMIT
    }

    private final String shardsTopic;
    private final CrashPoint point;
    private final Predicate<TokenShard> when;
    private volatile boolean armed;

    CrashingShardProducer(Properties props, String shardsTopic, CrashPoint point, Predicate<TokenShard> when) {
        super(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.shardsTopic = shardsTopic;
        this.point = point;
        this.when = when;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        if (record.topic().equals(shardsTopic)) {
            try {
                armed |= when.test(TokenShard.parseFrom(record.value()));
            } catch (InvalidProtocolBufferException e) {
                throw new UncheckedIOException(e);
            }
        }
        return super.send(record);
    }

    @Override
    public void commitTransaction() {
        if (!armed) {
            super.commitTransaction();
            return;
        }
        if (point == CrashPoint.AFTER_COMMIT) {
            super.commitTransaction();
        } else {
            flush();
        }
        close(Duration.ZERO);
        throw new KafkaException("killed " + point + " (test)");
    }
}
