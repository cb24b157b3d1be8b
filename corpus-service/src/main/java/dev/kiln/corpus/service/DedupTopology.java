package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.dedup.BandLedger;
import dev.kiln.corpus.pipeline.dedup.DedupMessages;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandRequest;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology of global dedup: the band topic (one record per dedup key of a document,
 * keyed and so partitioned by the key) → {@link BandDecider} with two RocksDB stores backed by
 * changelog topics → the verdict topic, each answer on the partition its replica reads.
 *
 * <ul>
 *   <li>{@value #CLAIMS}: dedup key → its holder ({@link BandLedger.Claim}); the on-disk index.
 *   <li>{@value #PENDING}: claims waiting out the race window, keyed by (claim time, document, ...) so
 *       that a range scan returns them in the stable order they are decided in.
 * </ul>
 */
final class DedupTopology {

    static final String CLAIMS = "dedup-claims";
    static final String PENDING = "dedup-pending";
    /** Claims decided per punctuation at most, so one punctuation never outlasts a transaction. */
    private static final int DECIDE_BATCH = 20_000;

    private DedupTopology() {}

    static Topology build(String bandsTopic, String verdictsTopic, Duration raceWindow) {
        Topology topology = new Topology();
        topology.addSource("bands", new ByteArrayDeserializer(), new ByteArrayDeserializer(), bandsTopic);
        topology.addProcessor("decide", () -> new BandDecider(raceWindow.toMillis()), "bands");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIMS), Serdes.Bytes(), Serdes.ByteArray()),
                "decide");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(PENDING), Serdes.Bytes(), Serdes.ByteArray()),
                "decide");
        topology.addSink(
                "verdicts",
                verdictsTopic,
                new IntegerSerializer(),
                new ByteArraySerializer(),
                (topic, partition, value, partitions) -> Optional.of(Set.of(partition)),
                "decide");
        return topology;
    }

    /**
     * Decides first-seen per key with {@link BandLedger}. Claims wait in {@value #PENDING} until the race
     * window after their claim time has passed (a wall-clock punctuation), then are decided in (claim
     * time, document) order; probes and shipped marks are answered at once. Every answer goes to the
     * verdict partition named in the request, keyed by that partition.
     */
    static final class BandDecider implements Processor<byte[], byte[], Integer, byte[]> {
        private final long windowMillis;
        private ProcessorContext<Integer, byte[]> context;
        private KeyValueStore<Bytes, byte[]> claims;
        private KeyValueStore<Bytes, byte[]> pending;

        BandDecider(long windowMillis) {
            this.windowMillis = windowMillis;
        }

        @Override
        public void init(ProcessorContext<Integer, byte[]> context) {
            this.context = context;
            this.claims = context.getStateStore(CLAIMS);
            this.pending = context.getStateStore(PENDING);
            long every = Math.max(20, Math.min(200, windowMillis / 2));
            context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::decideDue);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] key = record.key();
            BandRequest request = BandRequest.decode(record.value());
            switch (request.type()) {
                case CLAIM -> {
                    byte[] value = new byte[key.length + 1 + record.value().length];
                    value[0] = (byte) key.length;
                    System.arraycopy(key, 0, value, 1, key.length);
                    System.arraycopy(record.value(), 0, value, 1 + key.length, record.value().length);
                    pending.put(Bytes.wrap(DedupMessages.pendingKey(request, key)), value);
                }
                case PROBE -> answer(request, holder(key), record.timestamp());
                case SHIPPED -> {
                    BandLedger.Claim before = holder(key);
                    BandLedger.Claim after = BandLedger.markShipped(before, request.document());
                    if (after != before) {
                        claims.put(Bytes.wrap(key), after.encode());
                    }
                }
            }
        }

        private void decideDue(long now) {
            List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it =
                    pending.range(null, Bytes.wrap(DedupMessages.pendingBound(now - windowMillis)))) {
                while (it.hasNext() && due.size() < DECIDE_BATCH) {
                    due.add(it.next());
                }
            }
            for (KeyValue<Bytes, byte[]> entry : due) {
                byte[] value = entry.value;
                int keyLength = value[0];
                byte[] key = Arrays.copyOfRange(value, 1, 1 + keyLength);
                BandRequest request = BandRequest.decode(Arrays.copyOfRange(value, 1 + keyLength, value.length));
                BandLedger.Claim existing = holder(key);
                if (existing == null) {
                    claims.put(Bytes.wrap(key), new BandLedger.Claim(request.document(), false).encode());
                }
                answer(request, existing, now);
                pending.delete(entry.key);
            }
        }

        private BandLedger.Claim holder(byte[] key) {
            byte[] stored = claims.get(Bytes.wrap(key));
            return stored == null ? null : BandLedger.Claim.decode(stored);
        }

        private void answer(BandRequest request, BandLedger.Claim existing, long timestamp) {
            boolean first = BandLedger.first(existing, request.document());
            String holder = existing == null ? request.document() : existing.holder();
            BandVerdict verdict =
                    new BandVerdict(request.replica(), request.requestId(), request.index(), first, holder);
            context.forward(new Record<>(request.replyPartition(), verdict.encode(), timestamp));
        }
    }
}
