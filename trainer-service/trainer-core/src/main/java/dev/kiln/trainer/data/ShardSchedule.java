package dev.kiln.trainer.data;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Training tokens from the Kafka topic of {@link TokenShard}s. The consumer is assigned every
 * partition by hand (no consumer group): the offsets live in the run's checkpoints, not in Kafka,
 * so a resume seeks to exactly what the checkpoint had consumed.
 *
 * <p>Shards are taken whole, one partition after another in a fixed order, and read token by token;
 * the position records the next shard of every partition and how far into the current shard the
 * run has read. A shard whose id hashes into the validation fraction is held out. When every
 * partition is drained and nothing new arrives for a short while, a new epoch starts from the
 * beginning of the topic.
 */
public final class KafkaShardSource implements TokenSource {

    private static final Logger LOG = Logger.getLogger(KafkaShardSource.class.getName());
    private static final Duration POLL = Duration.ofMillis(200);

    /** What the source needs besides the broker. */
    public record Settings(
            String topic,
            String encoding,
            Duration firstDataWait,
            Duration idleBeforeNextEpoch,
            double validationFraction,
            int validationCapacity,
            Path validationFile) {}

    private final Settings settings;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<Integer, ArrayDeque<ConsumerRecord<String, byte[]>>> fetched = new TreeMap<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final ValidationSet validation;

    private int[] current = new int[0];
    private int currentPartition = -1;
    private long currentOffset = -1;
    private int currentPos;
    private long epoch;
    private long trainShardsThisEpoch;
    private long corruptShards;
    private long foreignShards;
    private int lastPartition = -1;

    public KafkaShardSource(String bootstrapServers, Settings settings, Map<String, Long> resumeFrom) {
        this.settings = settings;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kiln-trainer-" + settings.topic());
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.partitions = awaitPartitions();
        this.validation = new ValidationSet(
                settings.validationFile(),
                settings.validationCapacity(),
                resumeFrom.getOrDefault("validation.tokens", 0L));
        consumer.assign(partitions);
        this.epoch = resumeFrom.getOrDefault("kafka.epoch", 0L);
        this.lastPartition =
                resumeFrom.getOrDefault("kafka.last.partition", -1L).intValue();
        for (TopicPartition tp : partitions) {
            Long next = resumeFrom.get("kafka.next." + tp.partition());
            if (next != null) {
                consumer.seek(tp, next);
                nextOffsets.put(tp.partition(), next);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        Long partition = resumeFrom.get("kafka.current.partition");
        if (partition != null && partition >= 0) {
            // Fetch the shard the checkpoint was inside of again, and skip what was already read.
            TopicPartition tp = new TopicPartition(settings.topic(), partition.intValue());
            long offset = resumeFrom.get("kafka.current.offset");
            consumer.seek(tp, offset);
            ConsumerRecord<String, byte[]> record = nextRecordOf(partition.intValue(), settings.firstDataWait());
            if (record.offset() != offset) {
                throw new IllegalStateException("The checkpoint was inside shard " + partition + "@" + offset
                        + ", but the topic now starts at offset " + record.offset() + " (retention deleted it?)");
            }
            startShard(record, Math.toIntExact(resumeFrom.get("kafka.current.pos")));
            trainShardsThisEpoch = 1;
        }
    }

    private List<TopicPartition> awaitPartitions() {
        long deadline = System.nanoTime() + settings.firstDataWait().toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(settings.topic(), Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> result = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    result.add(new TopicPartition(info.topic(), info.partition()));
                }
                result.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                return result;
            }
            if (System.nanoTime() > deadline) {
                consumer.close();
                throw new DataUnavailableException("Topic " + settings.topic() + " does not exist after waiting "
                        + settings.firstDataWait().toSeconds() + " s: has the corpus service produced shards?");
            }
            sleep(500);
        }
    }

    @Override
    public void read(int[] dst, int off, int n) throws InterruptedException {
        while (n > 0) {
            if (currentPos == current.length) {
                nextTrainingShard();
            }
            int take = Math.min(n, current.length - currentPos);
            System.arraycopy(current, currentPos, dst, off, take);
            currentPos += take;
            off += take;
            n -= take;
        }
    }

    private void nextTrainingShard() throws InterruptedException {
        long idleSince = System.nanoTime();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            ConsumerRecord<String, byte[]> record = takeBuffered();
            if (record == null) {
                fill();
                record = takeBuffered();
            }
            if (record != null) {
                idleSince = System.nanoTime();
                TokenShard shard = parse(record);
                if (shard == null) {
                    continue;
                }
                if (isValidation(shard.getShardId())) {
                    if (epoch == 0 && !validation.isFull()) {
                        validation.add(unpackOrNull(shard, record));
                    }
                    continue;
                }
                int[] tokens = unpackOrNull(shard, record);
                if (tokens == null || tokens.length == 0) {
                    continue;
                }
                current = tokens;
                currentPartition = record.partition();
                currentOffset = record.offset();
                currentPos = 0;
                trainShardsThisEpoch++;
                return;
            }
            long idle = System.nanoTime() - idleSince;
            if (trainShardsThisEpoch > 0
                    && idle > settings.idleBeforeNextEpoch().toNanos()
                    && drained()) {
                startNextEpoch();
                idleSince = System.nanoTime();
            } else if (trainShardsThisEpoch == 0
                    && idle > settings.firstDataWait().toNanos()) {
                throw new DataUnavailableException(
                        "No training shard of encoding " + settings.encoding() + " arrived on "
                                + settings.topic() + " within "
                                + settings.firstDataWait().toSeconds() + " s (epoch " + epoch + "; "
                                + foreignShards + " shards of other encodings skipped)");
            }
        }
    }

    private void startShard(ConsumerRecord<String, byte[]> record, int pos) {
        TokenShard shard = parse(record);
        int[] tokens = shard == null ? null : unpackOrNull(shard, record);
        if (tokens == null || pos > tokens.length) {
            throw new IllegalStateException("Cannot resume inside shard " + record.partition() + "@" + record.offset());
        }
        current = tokens;
        currentPartition = record.partition();
        currentOffset = record.offset();
        currentPos = pos;
    }

    private ConsumerRecord<String, byte[]> nextRecordOf(int partition, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            ArrayDeque<ConsumerRecord<String, byte[]>> queue = fetched.get(partition);
            if (queue != null && !queue.isEmpty()) {
                ConsumerRecord<String, byte[]> record = queue.poll();
                nextOffsets.put(partition, record.offset() + 1);
                return record;
            }
            fill();
        }
        throw new DataUnavailableException(
                "Partition " + partition + " of " + settings.topic() + " gave no record in time");
    }

    /**
     * The next record in a strict round robin over partitions, starting after the last one used.
     * A partition that has no record fetched yet but is not drained is waited for rather than
     * skipped, so the order of shards does not depend on fetch timing: a resumed run reads the
     * same sequence as an uninterrupted one.
     */
    private ConsumerRecord<String, byte[]> takeBuffered() {
        int count = partitions.size();
        Map<TopicPartition, Long> ends = null;
        for (int i = 1; i <= count; i++) {
            TopicPartition tp = partitions.get(Math.floorMod(indexOf(lastPartition) + i, count));
            ArrayDeque<ConsumerRecord<String, byte[]>> queue = fetched.get(tp.partition());
            if (queue == null || queue.isEmpty()) {
                if (ends == null) {
                    ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (consumer.position(tp) < ends.getOrDefault(tp, 0L)
                        && (queue == null || queue.isEmpty())
                        && System.nanoTime() < deadline) {
                    fill();
                    queue = fetched.get(tp.partition());
                }
            }
            if (queue != null && !queue.isEmpty()) {
                ConsumerRecord<String, byte[]> record = queue.poll();
                nextOffsets.put(tp.partition(), record.offset() + 1);
                lastPartition = tp.partition();
                return record;
            }
        }
        return null;
    }

    private int indexOf(int partition) {
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).partition() == partition) {
                return i;
            }
        }
        return -1;
    }

    private void fill() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            fetched.computeIfAbsent(record.partition(), p -> new ArrayDeque<>()).add(record);
        }
    }

    private boolean drained() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
        for (TopicPartition tp : partitions) {
            ArrayDeque<ConsumerRecord<String, byte[]>> queue = fetched.get(tp.partition());
            if (queue != null && !queue.isEmpty()) {
                return false;
            }
            if (consumer.position(tp) < ends.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void startNextEpoch() {
        epoch++;
        trainShardsThisEpoch = 0;
        fetched.clear();
        nextOffsets.clear();
        lastPartition = -1;
        consumer.seekToBeginning(partitions);
        LOG.info(() -> "All shards of " + settings.topic() + " read; starting epoch " + epoch);
    }

    private TokenShard parse(ConsumerRecord<String, byte[]> record) {
        try {
            TokenShard shard = TokenShard.parseFrom(record.value());
            if (!shard.getEncoding().equals(settings.encoding())) {
                // A topic may carry corpora of several encodings; a run trains on its own.
                foreignShards++;
                return null;
            }
            return shard;
        } catch (InvalidProtocolBufferException e) {
            corruptShards++;
            LOG.warning("Skipping record " + record.partition() + "@" + record.offset() + ": not a TokenShard");
            return null;
        }
    }

    private int[] unpackOrNull(TokenShard shard, ConsumerRecord<String, byte[]> record) {
        try {
            return TokenShards.unpack(shard);
        } catch (TokenShards.CorruptShardException e) {
            corruptShards++;
            LOG.warning("Skipping shard at " + record.partition() + "@" + record.offset() + ": " + e.getMessage());
            return null;
        }
    }

    private boolean isValidation(String shardId) {
        CRC32 crc = new CRC32();
        crc.update(shardId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) < settings.validationFraction() * 10_000;
    }

    /** Shards skipped because they failed to parse or to pass their CRC check. */
    public long corruptShards() {
        return corruptShards;
    }

    @Override
    public Map<String, Long> position() {
        Map<String, Long> position = new HashMap<>();
        nextOffsets.forEach((p, next) -> position.put("kafka.next." + p, next));
        position.put("kafka.epoch", epoch);
        position.put("kafka.last.partition", (long) lastPartition);
        position.put("validation.tokens", (long) validation.size());
        if (currentPartition >= 0 && currentPos < current.length) {
            position.put("kafka.current.partition", (long) currentPartition);
            position.put("kafka.current.offset", currentOffset);
            position.put("kafka.current.pos", (long) currentPos);
        } else {
            position.put("kafka.current.partition", -1L);
        }
        return position;
    }

    @Override
    public int[] validationTokens() {
        return validation.tokens();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("Interrupted while waiting for the shard topic");
        }
    }
}
