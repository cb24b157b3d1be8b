package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.dedup.BandLedger;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.pipeline.dedup.DedupMessages;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandBatch;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.KeyAnswer;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.VerdictBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.jboss.logging.Logger;

/**
 * The Kafka Streams topology of global dedup: the band topic (one record per replica's batch of the
 * dedup keys that live on one partition, keyed by one of them, {@link BandBatch}) → {@link BandDecider} with two RocksDB stores backed by
 * changelog topics → the verdict topic, each answer on the partition its replica reads.
 *
 * <ul>
 *   <li>{@value #CLAIMS}: dedup key → its holder ({@link BandLedger.Claim}), written when the hold
 *       is taken (pending) or freed; the on-disk index.
 *   <li>{@value #RESOLVED}: (step, document) → the state the holder reached here, kept or shipped
 *       ({@link BandLedger#effective}). One record per document, step and partition instead of a
 *       rewrite of every key it holds: with the engine marking only a document's first step shipped,
 *       a kept document costs its 15 claims, one kept record per partition it touches and one shipped
 *       mark (22.5 writes on 6 partitions, 25 on 12) instead of 45 (each key claimed, kept, shipped).
 *   <li>{@value #WAITING}: claims waiting for a later document's pending hold on their key to be
 *       resolved, keyed by (dedup key, request) so a prefix scan finds one key's waiters.
 * </ul>
 */
final class DedupTopology {

    static final String CLAIMS = "dedup-claims";
    static final String WAITING = "dedup-waiting";
    static final String RESOLVED = "dedup-resolved";

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
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RESOLVED), Serdes.Bytes(), Serdes.ByteArray()),
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
     * Decides first-seen per key with {@link BandLedger}, as each batch arrives (no clock), key by key
     * in the batch's order: a claim is answered at once or parked in {@value #WAITING}; a document's
     * verdict (kept / dropped) updates its holds and answers the claims waiting on them. The answers
     * decided while processing one batch leave as one {@link VerdictBatch} per replica, on the verdict
     * partition that replica reads, keyed by that partition. A batch is one record, so it commits (its
     * store updates, changelog records and answers) in one transaction or, after a crash, is decided
     * again whole from the restored stores.
     */
    static final class BandDecider implements Processor<byte[], byte[], Integer, byte[]> {
        private static final Logger LOG = Logger.getLogger(BandDecider.class);

        private ProcessorContext<Integer, byte[]> context;
        private KeyValueStore<Bytes, byte[]> claims;
        private KeyValueStore<Bytes, byte[]> waiting;
        private KeyValueStore<Bytes, byte[]> resolved;

        /** A replica's answers collected while one batch is processed. */
        private record Route(String replica, int partition) {}

        private final Map<Route, List<KeyAnswer>> answers = new LinkedHashMap<>();

        @Override
        public void init(ProcessorContext<Integer, byte[]> context) {
            this.context = context;
            this.claims = context.getStateStore(CLAIMS);
            this.waiting = context.getStateStore(WAITING);
            this.resolved = context.getStateStore(RESOLVED);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            BandBatch batch;
            try {
                batch = BandBatch.decode(record.value());
            } catch (IllegalArgumentException e) {
                // An older release's per-key record: its document times out, drops its keys and is read again.
                LOG.warnf("Skipping a band record that is not a batch (%s)", e.getMessage());
                return;
            }
            answers.clear(); // nothing left over from a record whose processing threw
            Route asker = new Route(batch.replica(), batch.replyPartition());
            for (Entry entry : batch.entries()) {
                if (entry.type() == Type.CLAIM || entry.type() == Type.PROBE) {
                    for (int i = 0; i < entry.size(); i++) {
                        decide(asker, entry, i);
                    }
                } else {
                    mark(entry);
                }
            }
            answers.forEach((route, list) -> context.forward(new Record<>(
                    route.partition(),
                    new VerdictBatch(route.replica(), List.copyOf(list)).encode(),
                    record.timestamp())));
        }

        /** A claim or a probe of the {@code i}-th key of {@code entry}. */
        private void decide(Route asker, Entry entry, int i) {
            byte[] key = entry.indexKey(i);
            BandLedger.Claim existing = holder(key);
            if (entry.type() == Type.PROBE) {
                answer(asker, entry, i, BandLedger.claim(existing, entry.contender()), existing);
                return;
            }
            BandLedger.Contender claimant = entry.contender();
            BandLedger.Answer answer = BandLedger.claim(existing, claimant);
            if (answer == BandLedger.Answer.WAIT) {
                Entry waiter = entry.only(i);
                waiting.put(
                        Bytes.wrap(DedupMessages.waitKey(key, asker.replica(), waiter)),
                        new BandBatch(asker.replica(), asker.partition(), List.of(waiter)).encode());
                return;
            }
            store(key, existing, BandLedger.after(existing, claimant, answer));
            answer(asker, entry, i, answer, existing);
        }

        /**
         * A document's verdict (kept, dropped) or shipped mark for its keys on this partition: each key
         * moves as {@link BandLedger} says, but a hold that only changes state is not rewritten: the
         * document's one record in {@value #RESOLVED} says it for all its holds here (the entry carries
         * every key of this document and step that lives on this partition). Dropped frees the holds
         * (and removes that record), so the keys can be claimed again.
         */
        private void mark(Entry entry) {
            String document = entry.document();
            Bytes resolvedKey = Bytes.wrap(BandLedger.resolvedKey(entry.kind(), document));
            BandLedger.State before = resolvedState(resolvedKey);
            boolean moved = false;
            for (int i = 0; i < entry.size(); i++) {
                byte[] key = entry.indexKey(i);
                BandLedger.Claim existing = holder(key);
                BandLedger.Claim after = switch (entry.type()) {
                    case SHIPPED -> BandLedger.markShipped(existing, document);
                    case KEPT -> BandLedger.resolved(existing, document, true);
                    default -> {
                        forget(key, document);
                        yield BandLedger.resolved(existing, document, false);
                    }
                };
                moved |= after != null && existing.state().compareTo(after.state()) < 0;
                store(key, existing, after);
                // Claims wait only behind a pending holder, so only a hold that leaves pending has waiters.
                // A shipped mark may be the one: it comes from the shard sink's transactional producer,
                // which can overtake the kept mark sent by the index's own producer.
                if (existing != null
                        && existing.state() == BandLedger.State.PENDING
                        && after != existing
                        && (after == null || after.state() != BandLedger.State.PENDING)) {
                    settle(key, after);
                }
            }
            if (entry.type() == Type.DROPPED) {
                if (before != null && before != BandLedger.State.SHIPPED) {
                    resolved.delete(resolvedKey);
                }
            } else if (moved) {
                BandLedger.State state = entry.type() == Type.KEPT ? BandLedger.State.KEPT : BandLedger.State.SHIPPED;
                resolved.put(resolvedKey, new byte[] {(byte) state.ordinal()});
            }
        }

        /** A parked claim: where its answer goes and the one key it waits for. */
        private record Waiter(Bytes storeKey, Route route, Entry entry) {}

        /** Answers the claims waiting on {@code key} now that its holder is {@code holder}. */
        private void settle(byte[] key, BandLedger.Claim holder) {
            List<Waiter> waiters = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = waiting.prefixScan(key, new ByteArraySerializer())) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> stored = it.next();
                    BandBatch parked;
                    try {
                        parked = BandBatch.decode(stored.value);
                    } catch (IllegalArgumentException e) {
                        // Parked by an older release: its document times out and claims again.
                        waiting.delete(stored.key);
                        continue;
                    }
                    waiters.add(new Waiter(
                            stored.key,
                            new Route(parked.replica(), parked.replyPartition()),
                            parked.entries().get(0)));
                }
            }
            if (waiters.isEmpty()) {
                return;
            }
            waiters.sort(Comparator.comparing(w -> w.entry().contender()));
            BandLedger.Settled settled = BandLedger.settle(
                    holder, waiters.stream().map(w -> w.entry().contender()).toList());
            BandLedger.Claim current = holder;
            for (int i = 0; i < waiters.size(); i++) {
                BandLedger.Answer answer = settled.answers().get(i);
                if (answer == BandLedger.Answer.WAIT) {
                    continue;
                }
                Waiter waiter = waiters.get(i);
                answer(waiter.route(), waiter.entry(), 0, answer, current);
                current = BandLedger.after(current, waiter.entry().contender(), answer);
                waiting.delete(waiter.storeKey());
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

        /** The holder of {@code key} with the state its document reached here ({@link BandLedger#effective}). */
        private BandLedger.Claim holder(byte[] key) {
            byte[] stored = claims.get(Bytes.wrap(key));
            if (stored == null) {
                return null;
            }
            BandLedger.Claim claim = BandLedger.Claim.decode(stored);
            if (claim.state() == BandLedger.State.SHIPPED) {
                return claim; // stored so by an older release: no state comes after it
            }
            DedupKeys.Kind kind = DedupKeys.Kind.of(key[0]);
            return BandLedger.effective(
                    claim, resolvedState(Bytes.wrap(BandLedger.resolvedKey(kind, claim.document()))));
        }

        private BandLedger.State resolvedState(Bytes resolvedKey) {
            byte[] state = resolved.get(resolvedKey);
            return state == null ? null : BandLedger.State.values()[state[0]];
        }

        /**
         * Writes a change of {@code key}'s hold: taken by another document, or freed. A hold that only
         * moved on (kept, shipped) is the same claim: {@link #mark} records that once per document.
         */
        private void store(byte[] key, BandLedger.Claim before, BandLedger.Claim after) {
            if (after == before) {
                return;
            }
            if (after == null) {
                claims.delete(Bytes.wrap(key));
            } else if (before == null || !after.holder().equals(before.holder())) {
                claims.put(Bytes.wrap(key), after.encode());
            }
        }

        /** {@code existing}: the holder the answer was decided against (null: none, the claimant takes it). */
        private void answer(Route route, Entry entry, int i, BandLedger.Answer answer, BandLedger.Claim existing) {
            boolean first = answer != BandLedger.Answer.DUPLICATE;
            String holder = existing == null ? entry.document() : existing.document();
            answers.computeIfAbsent(route, r -> new ArrayList<>())
                    .add(new KeyAnswer(entry.requestId(), entry.indexes()[i], first, holder));
        }
    }
}
