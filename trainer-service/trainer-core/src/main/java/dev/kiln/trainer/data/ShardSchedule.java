package dev.kiln.trainer.data;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Training tokens from a partitioned log of {@link TokenShard}s (the Kafka topic of the corpus
 * service, through a {@link ShardLog}). The order of shards is a function of the log's contents
 * alone, never of fetch timing, and the position names exactly what was consumed, so that a run
 * resumed from a checkpoint reads the same tokens as one that never stopped.
 *
 * <p>Shards are taken whole in a strict round robin over the partitions and read token by token;
 * the position records the next offset of every partition, the last partition used, and how far
 * into the current shard the run has read. A shard whose id hashes into the validation fraction is
 * held out (collected in the first epoch only). A shard of another encoding is skipped, as is one
 * that fails to parse or its CRC check. When every partition is drained and nothing new arrives
 * for a short while, a new epoch starts from the beginning of the log.
 */
public final class ShardSchedule implements TokenStream {

    private static final System.Logger LOG = System.getLogger(ShardSchedule.class.getName());
    /** How long a partition that is known to hold more records is waited for before it is passed over. */
    private static final Duration UNDRAINED_WAIT = Duration.ofSeconds(30);

    /** What the schedule needs besides the log. */
    public record Settings(
            String topic,
            String encoding,
            Duration firstDataWait,
            Duration idleBeforeNextEpoch,
            double validationFraction,
            int validationCapacity,
            Path validationFile) {}

    private final Settings settings;
    private final ShardLog log;
    private final List<Integer> partitions;
    private final Map<Integer, ArrayDeque<ShardLog.Record>> fetched = new TreeMap<>();
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

    /**
     * Takes ownership of {@code log} (closed with this stream, or at once if the resume fails).
     *
     * @param resumeFrom a checkpoint's position (from {@link #position()}), or empty for a new run
     */
    public ShardSchedule(ShardLog log, Settings settings, Map<String, Long> resumeFrom) {
        this.settings = settings;
        this.log = log;
        try {
            this.partitions = List.copyOf(log.partitions());
            this.validation = new ValidationSet(
                    settings.validationFile(),
                    settings.validationCapacity(),
                    resumeFrom.getOrDefault("validation.tokens", 0L));
            resume(resumeFrom);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private void resume(Map<String, Long> resumeFrom) {
        this.epoch = resumeFrom.getOrDefault("kafka.epoch", 0L);
        this.lastPartition =
                resumeFrom.getOrDefault("kafka.last.partition", -1L).intValue();
        // Without it, a run resumed at the very end of an epoch would wait for new shards instead of starting the next.
        this.trainShardsThisEpoch = resumeFrom.getOrDefault("kafka.epoch.train.shards", 0L);
        for (int partition : partitions) {
            Long next = resumeFrom.get("kafka.next." + partition);
            if (next != null) {
                log.seek(partition, next);
                nextOffsets.put(partition, next);
            } else {
                log.seekToBeginning(partition);
            }
        }
        Long partition = resumeFrom.get("kafka.current.partition");
        if (partition != null && partition >= 0) {
            // Fetch the shard the checkpoint was inside of again, and skip what was already read.
            long offset = resumeFrom.get("kafka.current.offset");
            log.seek(partition.intValue(), offset);
            ShardLog.Record record = nextRecordOf(partition.intValue(), settings.firstDataWait());
            if (record.offset() != offset) {
                throw new IllegalStateException("The checkpoint was inside shard " + partition + "@" + offset
                        + ", but the topic now starts at offset " + record.offset() + " (retention deleted it?)");
            }
            startShard(record, Math.toIntExact(resumeFrom.get("kafka.current.pos")));
            trainShardsThisEpoch = Math.max(trainShardsThisEpoch, 1);
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
            ShardLog.Record record = takeBuffered();
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

    private void startShard(ShardLog.Record record, int pos) {
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

    private ShardLog.Record nextRecordOf(int partition, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            ArrayDeque<ShardLog.Record> queue = fetched.get(partition);
            if (queue != null && !queue.isEmpty()) {
                ShardLog.Record record = queue.poll();
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
    private ShardLog.Record takeBuffered() {
        int count = partitions.size();
        Map<Integer, Long> ends = null;
        for (int i = 1; i <= count; i++) {
            int partition = partitions.get(Math.floorMod(partitions.indexOf(lastPartition) + i, count));
            ArrayDeque<ShardLog.Record> queue = fetched.get(partition);
            if (queue == null || queue.isEmpty()) {
                if (ends == null) {
                    ends = log.endOffsets();
                }
                long deadline = System.nanoTime() + UNDRAINED_WAIT.toNanos();
                while (log.position(partition) < ends.getOrDefault(partition, 0L)
                        && (queue == null || queue.isEmpty())
                        && System.nanoTime() < deadline) {
                    fill();
                    queue = fetched.get(partition);
                }
            }
            if (queue != null && !queue.isEmpty()) {
                ShardLog.Record record = queue.poll();
                nextOffsets.put(partition, record.offset() + 1);
                lastPartition = partition;
                return record;
            }
        }
        return null;
    }

    private void fill() {
        for (ShardLog.Record record : log.poll()) {
            fetched.computeIfAbsent(record.partition(), p -> new ArrayDeque<>()).add(record);
        }
    }

    private boolean drained() {
        Map<Integer, Long> ends = log.endOffsets();
        for (int partition : partitions) {
            ArrayDeque<ShardLog.Record> queue = fetched.get(partition);
            if (queue != null && !queue.isEmpty()) {
                return false;
            }
            if (log.position(partition) < ends.getOrDefault(partition, 0L)) {
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
        for (int partition : partitions) {
            log.seekToBeginning(partition);
        }
        LOG.log(System.Logger.Level.INFO, () -> "All shards of " + settings.topic() + " read; starting epoch " + epoch);
    }

    private TokenShard parse(ShardLog.Record record) {
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
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Skipping record " + record.partition() + "@" + record.offset() + ": not a TokenShard");
            return null;
        }
    }

    private int[] unpackOrNull(TokenShard shard, ShardLog.Record record) {
        try {
            return TokenShards.unpack(shard);
        } catch (TokenShards.CorruptShardException e) {
            corruptShards++;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Skipping shard at " + record.partition() + "@" + record.offset() + ": " + e.getMessage());
            return null;
        }
    }

    /** Whether a shard is held out: a fixed function of its id, so every run and epoch splits alike. */
    private boolean isValidation(String shardId) {
        CRC32 crc = new CRC32();
        crc.update(shardId.getBytes(StandardCharsets.UTF_8));
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
        position.put("kafka.epoch.train.shards", trainShardsThisEpoch);
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
        log.close();
    }
}
