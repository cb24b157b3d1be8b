package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.dedup.BandLedger;
import dev.kiln.corpus.pipeline.dedup.DedupMessages;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandRequest;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandVerdict;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
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
 *   <li>{@value #WAITING}: claims waiting for a later document's pending hold on their key to be
 *       resolved, keyed by (dedup key, request) so a prefix scan finds one key's waiters.
 * </ul>
 */
final class DedupTopology {

    static final String CLAIMS = "dedup-claims";
    static final String WAITING = "dedup-waiting";

    private DedupTopology() {}

    static Topology build(String bandsTopic, String verdictsTopic) {
        Topology topology = new Topology();
        topology.addSource("bands", new ByteArrayDeserializer(), new ByteArrayDeserializer(), bandsTopic);
        topology.addProcessor("decide", BandDecider::new, "bands");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIMS), Serdes.Bytes(), Serdes.ByteArray()),
                "decide");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING), Serdes.Bytes(), Serdes.ByteArray()),
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
     * Decides first-seen per key with {@link BandLedger}, as each request arrives (no clock): a claim is
     * answered at once or parked in {@value #WAITING}; a document's verdict (kept / dropped) updates its
     * holds and answers the claims waiting on them. Every answer goes to the verdict partition named in
     * the request, keyed by that partition.
     */
    static final class BandDecider implements Processor<byte[], byte[], Integer, byte[]> {
        private ProcessorContext<Integer, byte[]> context;
        private KeyValueStore<Bytes, byte[]> claims;
        private KeyValueStore<Bytes, byte[]> waiting;

        @Override
        public void init(ProcessorContext<Integer, byte[]> context) {
            this.context = context;
            this.claims = context.getStateStore(CLAIMS);
            this.waiting = context.getStateStore(WAITING);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] key = record.key();
            BandRequest request = BandRequest.decode(record.value());
            BandLedger.Claim existing = holder(key);
            switch (request.type()) {
                case CLAIM -> {
                    BandLedger.Contender claimant = DedupMessages.contender(request);
                    BandLedger.Answer answer = BandLedger.claim(existing, claimant);
                    if (answer == BandLedger.Answer.WAIT) {
                        waiting.put(Bytes.wrap(DedupMessages.waitKey(key, request)), record.value());
                        return;
                    }
                    store(key, existing, BandLedger.after(existing, claimant, answer));
                    answer(request, answer, existing, record.timestamp());
                }
                case PROBE -> {
                    BandLedger.Answer answer = BandLedger.claim(existing, DedupMessages.contender(request));
                    answer(request, answer, existing, record.timestamp());
                }
                case SHIPPED -> store(key, existing, BandLedger.markShipped(existing, request.document()));
                case KEPT, DROPPED -> {
                    if (request.type() == Type.DROPPED) {
                        forget(key, request.document());
                    }
                    BandLedger.Claim after =
                            BandLedger.resolved(existing, request.document(), request.type() == Type.KEPT);
                    store(key, existing, after);
                    // Claims wait only behind a pending holder, so only a resolved hold has waiters.
                    if (after != existing && (after == null || after.state() != BandLedger.State.PENDING)) {
                        settle(key, after, record.timestamp());
                    }
                }
            }
        }

        /** Answers the claims waiting on {@code key} now that its holder is {@code holder}. */
        private void settle(byte[] key, BandLedger.Claim holder, long timestamp) {
            List<KeyValue<Bytes, BandRequest>> waiters = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = waiting.prefixScan(key, new ByteArraySerializer())) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    waiters.add(KeyValue.pair(entry.key, BandRequest.decode(entry.value)));
                }
            }
            if (waiters.isEmpty()) {
                return;
            }
            waiters.sort(Comparator.comparing(w -> DedupMessages.contender(w.value)));
            BandLedger.Settled settled = BandLedger.settle(
                    holder,
                    waiters.stream().map(w -> DedupMessages.contender(w.value)).toList());
            BandLedger.Claim current = holder;
            for (int i = 0; i < waiters.size(); i++) {
                BandLedger.Answer answer = settled.answers().get(i);
                if (answer == BandLedger.Answer.WAIT) {
                    continue;
                }
                BandRequest request = waiters.get(i).value;
                answer(request, answer, current, timestamp);
                current = BandLedger.after(current, DedupMessages.contender(request), answer);
                waiting.delete(waiters.get(i).key);
            }
            store(key, holder, settled.holder());
        }

        /** Removes {@code document}'s claims still waiting on {@code key}: it gave up (timed out). */
        private void forget(byte[] key, String document) {
            byte[] name = document.getBytes(StandardCharsets.UTF_8);
            byte[] prefix = ByteBuffer.allocate(key.length + name.length + 1)
                    .put(key)
                    .put(name)
                    .put((byte) 0)
                    .array();
            List<Bytes> gone = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = waiting.prefixScan(prefix, new ByteArraySerializer())) {
                it.forEachRemaining(entry -> gone.add(entry.key));
            }
            gone.forEach(waiting::delete);
        }

        private BandLedger.Claim holder(byte[] key) {
            byte[] stored = claims.get(Bytes.wrap(key));
            return stored == null ? null : BandLedger.Claim.decode(stored);
        }

        private void store(byte[] key, BandLedger.Claim before, BandLedger.Claim after) {
            if (after == before) {
                return;
            }
            if (after == null) {
                claims.delete(Bytes.wrap(key));
            } else {
                claims.put(Bytes.wrap(key), after.encode());
            }
        }

        /** {@code existing}: the holder the answer was decided against (null: none, the claimant takes it). */
        private void answer(BandRequest request, BandLedger.Answer answer, BandLedger.Claim existing, long timestamp) {
            boolean first = answer != BandLedger.Answer.DUPLICATE;
            String holder = existing == null ? request.document() : existing.document();
            BandVerdict verdict =
                    new BandVerdict(request.replica(), request.requestId(), request.index(), first, holder);
            context.forward(new Record<>(request.replyPartition(), verdict.encode(), timestamp));
        }
    }
}
