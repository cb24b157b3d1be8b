package dev.kiln.corpus.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.kiln.corpus.pipeline.dedup.BandLedger.Answer;
import dev.kiln.corpus.pipeline.dedup.BandLedger.Claim;
import dev.kiln.corpus.pipeline.dedup.BandLedger.Contender;
import dev.kiln.corpus.pipeline.dedup.BandLedger.State;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.BandBatch;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Entry;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.KeyAnswer;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.Type;
import dev.kiln.corpus.pipeline.dedup.DedupMessages.VerdictBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-key rule of the global index, under adversarial interleavings, and the layout its stores and topics rely on. */
class BandLedgerTest {

    private static final Contender EARLY = new Contender(1000, "docs/0@7");
    private static final Contender LATE = new Contender(1000, "docs/1@3");

    @Test
    void aFreeKeyIsTakenAndAKeptHolderMakesADuplicate() {
        assertThat(BandLedger.claim(null, LATE)).isEqualTo(Answer.FIRST);
        assertThat(BandLedger.after(null, LATE, Answer.FIRST)).isEqualTo(new Claim(LATE, State.PENDING));
        assertThat(BandLedger.claim(new Claim(LATE, State.KEPT), EARLY))
                .as("a kept holder wins whatever the order: it may be shipped already")
                .isEqualTo(Answer.DUPLICATE);
        assertThat(BandLedger.claim(new Claim(LATE, State.SHIPPED), EARLY)).isEqualTo(Answer.DUPLICATE);
    }

    @Test
    void againstAPendingHolderTheLaterDocumentGivesWayAndTheEarlierWaits() {
        assertThat(BandLedger.claim(new Claim(EARLY, State.PENDING), LATE)).isEqualTo(Answer.DUPLICATE);
        assertThat(BandLedger.claim(new Claim(LATE, State.PENDING), EARLY)).isEqualTo(Answer.WAIT);
        assertThat(new Contender(999, "z").compareTo(new Contender(1000, "a")))
                .as("claim time orders first, the name breaks ties")
                .isNegative();
    }

    @Test
    void aResolvedHolderAnswersItsWaitersEarliestFirst() {
        Contender earliest = new Contender(10, "a");
        Contender next = new Contender(20, "b");
        Claim pending = new Claim(new Contender(30, "c"), State.PENDING);

        BandLedger.Settled stillPending = BandLedger.settle(pending, List.of(earliest, next));
        assertThat(stillPending.answers()).containsExactly(Answer.WAIT, Answer.WAIT);
        assertThat(stillPending.holder()).isSameAs(pending);

        BandLedger.Settled afterKept =
                BandLedger.settle(BandLedger.resolved(pending, "c", true), List.of(earliest, next));
        assertThat(afterKept.answers()).containsExactly(Answer.DUPLICATE, Answer.DUPLICATE);

        assertThat(BandLedger.resolved(pending, "c", false))
                .as("dropped frees the key")
                .isNull();
        BandLedger.Settled afterDropped = BandLedger.settle(null, List.of(earliest, next));
        assertThat(afterDropped.answers()).containsExactly(Answer.FIRST, Answer.DUPLICATE);
        assertThat(afterDropped.holder()).isEqualTo(new Claim(earliest, State.PENDING));
    }

    @Test
    void aReplayIsFirstUntilItsDocumentWasShipped() {
        Claim held = new Claim(EARLY, State.PENDING);
        Contender replay = new Contender(5000, EARLY.document());
        assertThat(BandLedger.claim(held, replay))
                .as("crashed before its verdict")
                .isEqualTo(Answer.FIRST);
        assertThat(BandLedger.after(held, replay, Answer.FIRST)).isSameAs(held);
        Claim kept = BandLedger.resolved(held, EARLY.document(), true);
        assertThat(BandLedger.claim(kept, replay))
                .as("lost before shipping: kept")
                .isEqualTo(Answer.FIRST);
        Claim shipped = BandLedger.markShipped(kept, EARLY.document());
        assertThat(shipped.state()).isEqualTo(State.SHIPPED);
        assertThat(BandLedger.claim(shipped, replay)).as("shipped: not twice").isEqualTo(Answer.DUPLICATE);
        assertThat(BandLedger.resolved(shipped, EARLY.document(), false))
                .as("a late verdict does not free a shipped key")
                .isSameAs(shipped);
        assertThat(BandLedger.markShipped(held, "docs/9@9"))
                .as("another document's mark changes nothing")
                .isSameAs(held);
        assertThat(BandLedger.resolved(held, "docs/9@9", false)).isSameAs(held);
    }

    /**
     * The interleaving that dropped both copies of a pair under the old race window: each copy's
     * claims reach one key before the other's. Now the later copy gives way on the key the earlier
     * holds, which frees the other key for the earlier one.
     */
    @Test
    void crossedClaimsOfAPairKeepTheEarlierCopy() {
        Ledger ledger = new Ledger();
        Doc a = ledger.doc(new Contender(1, "a"), 1, 2);
        Doc b = ledger.doc(new Contender(2, "b"), 1, 2);
        ledger.deliverClaim(b, 1);
        ledger.deliverClaim(a, 2);
        ledger.deliverClaim(a, 1);
        assertThat(a.answers).containsEntry(1L, Answer.WAIT);
        ledger.deliverClaim(b, 2);
        assertThat(b.kept()).as("b gave way on key 2").isFalse();
        ledger.deliverAll(new Random(1));
        assertThat(a.kept()).isTrue();
    }

    /** A copy already kept is never called back; the earlier copy arriving after it is the duplicate. */
    @Test
    void aCopyKeptBeforeTheEarlierOneArrivedStaysTheOneKept() {
        Ledger ledger = new Ledger();
        Doc a = ledger.doc(new Contender(1, "a"), 1, 2);
        Doc b = ledger.doc(new Contender(2, "b"), 1, 2);
        ledger.deliverClaim(b, 1);
        ledger.deliverClaim(b, 2);
        ledger.deliverAll(new Random(2));
        assertThat(b.kept()).isTrue();
        assertThat(a.kept()).isFalse();
    }

    /**
     * Random documents over a small pool of keys (so chains and cycles of shared keys form) and clusters
     * of copies sharing all their keys, delivered in random interleavings: every claim is answered (no
     * deadlock), no two kept documents share a key, every group linked by shared keys keeps at least one
     * document, and so every cluster of full copies keeps exactly one.
     */
    @Test
    void everyInterleavingAnswersAllAndKeepsExactlyOneOfEachCluster() {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            Ledger ledger = new Ledger();
            List<List<Doc>> clusters = new ArrayList<>();
            int order = 0;
            for (int c = 0; c < 8; c++) {
                long[] keys = {1000 + c * 10L, 1001 + c * 10L, 1002 + c * 10L};
                List<Doc> copies = new ArrayList<>();
                for (int copy = 0; copy < 2 + random.nextInt(3); copy++) {
                    copies.add(ledger.doc(new Contender(random.nextInt(5), "c" + c + "/" + order++), keys));
                }
                clusters.add(copies);
            }
            for (int d = 0; d < 25; d++) {
                long[] keys =
                        random.longs(1 + random.nextInt(3), 0, 20).distinct().toArray();
                ledger.doc(new Contender(random.nextInt(5), "r/" + order++), keys);
            }
            ledger.deliverAll(random);

            String at = "seed " + seed;
            assertThat(ledger.docs).as(at).allSatisfy(d -> assertThat(d.verdict).isNotNull());
            List<Doc> kept = ledger.docs.stream().filter(Doc::kept).toList();
            for (Doc x : kept) {
                for (Doc y : kept) {
                    if (x != y && x.shares(y)) {
                        fail(at + ": " + x + " and " + y + " share a key and are both kept");
                    }
                }
            }
            for (Doc x : ledger.docs) {
                if (!x.kept() && ledger.component(x).stream().noneMatch(Doc::kept)) {
                    fail(at + ": the group of " + x + " keeps no document");
                }
            }
            for (List<Doc> cluster : clusters) {
                assertThat(cluster.stream().filter(Doc::kept)).as(at).hasSize(1);
            }
        }
    }

    /** One document of the simulation: its keys, the answers it got, its verdict once all are in. */
    private static final class Doc {
        final Contender contender;
        final long[] keys;
        final Map<Long, Answer> answers = new HashMap<>();
        Boolean verdict;

        Doc(Contender contender, long[] keys) {
            this.contender = contender;
            this.keys = keys;
        }

        boolean kept() {
            return Boolean.TRUE.equals(verdict);
        }

        boolean shares(Doc other) {
            for (long k : keys) {
                for (long o : other.keys) {
                    if (k == o) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return contender.document();
        }
    }

    /**
     * The key partitions as {@code DedupTopology.BandDecider} runs them (holder and waiters per key,
     * the same {@link BandLedger} calls), with a replica that joins the answers and sends the verdict
     * back to every key. Messages of one document to one key stay in order, as on one Kafka partition.
     */
    private static final class Ledger {
        final List<Doc> docs = new ArrayList<>();
        final Map<Long, Claim> holders = new HashMap<>();
        final Map<Long, List<Doc>> waiters = new HashMap<>();
        final List<Runnable> inFlight = new ArrayList<>();

        Doc doc(Contender contender, long... keys) {
            Doc doc = new Doc(contender, keys);
            docs.add(doc);
            for (long key : keys) {
                inFlight.add(() -> claim(doc, key));
            }
            return doc;
        }

        /** Delivers one claim now; its queued copy then finds it answered and does nothing. */
        void deliverClaim(Doc doc, long key) {
            claimNow(doc, key);
        }

        void deliverAll(Random random) {
            while (!inFlight.isEmpty()) {
                inFlight.remove(random.nextInt(inFlight.size())).run();
            }
        }

        private void claim(Doc doc, long key) {
            if (!doc.answers.containsKey(key)) {
                claimNow(doc, key);
            }
        }

        private void claimNow(Doc doc, long key) {
            Claim holder = holders.get(key);
            Answer answer = BandLedger.claim(holder, doc.contender);
            if (answer == Answer.WAIT) {
                waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(doc);
                doc.answers.put(key, Answer.WAIT);
                return;
            }
            put(key, BandLedger.after(holder, doc.contender, answer));
            answered(doc, key, answer);
        }

        private void answered(Doc doc, long key, Answer answer) {
            doc.answers.put(key, answer);
            if (doc.answers.size() == doc.keys.length && !doc.answers.containsValue(Answer.WAIT)) {
                doc.verdict = !doc.answers.containsValue(Answer.DUPLICATE);
                for (long k : doc.keys) {
                    inFlight.add(() -> resolve(doc, k));
                }
            }
        }

        private void resolve(Doc doc, long key) {
            Claim after = BandLedger.resolved(holders.get(key), doc.contender.document(), doc.verdict);
            put(key, after);
            if (after != null && after.state() == State.PENDING) {
                return;
            }
            List<Doc> waiting = waiters.getOrDefault(key, new ArrayList<>());
            waiting.sort(Comparator.comparing(d -> d.contender));
            BandLedger.Settled settled = BandLedger.settle(
                    after, waiting.stream().map(d -> d.contender).toList());
            List<Doc> still = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                if (settled.answers().get(i) == Answer.WAIT) {
                    still.add(waiting.get(i));
                } else {
                    answered(waiting.get(i), key, settled.answers().get(i));
                }
            }
            waiters.put(key, still);
            put(key, settled.holder());
        }

        private void put(long key, Claim claim) {
            if (claim == null) {
                holders.remove(key);
            } else {
                holders.put(key, claim);
            }
        }

        Set<Doc> component(Doc start) {
            Set<Doc> seen = new HashSet<>(List.of(start));
            ArrayDeque<Doc> queue = new ArrayDeque<>(seen);
            while (!queue.isEmpty()) {
                Doc d = queue.poll();
                for (Doc o : docs) {
                    if (!seen.contains(o) && d.shares(o)) {
                        seen.add(o);
                        queue.add(o);
                    }
                }
            }
            return seen;
        }
    }

    /**
     * A hold is stored pending and its document's state once per partition; read together they are
     * the state a claim stored alone used to carry, and a claim an older release stored with its state
     * keeps it unless the document's record is later.
     */
    @Test
    void aHoldReadWithItsDocumentsStateIsTheStateItReached() {
        Claim pending = new Claim(EARLY, State.PENDING);
        assertThat(BandLedger.effective(pending, null)).isSameAs(pending);
        assertThat(BandLedger.effective(pending, State.KEPT)).isEqualTo(new Claim(EARLY, State.KEPT));
        assertThat(BandLedger.effective(pending, State.SHIPPED)).isEqualTo(new Claim(EARLY, State.SHIPPED));
        Claim keptByAnOlderRelease = new Claim(EARLY, State.KEPT);
        assertThat(BandLedger.effective(keptByAnOlderRelease, null)).isSameAs(keptByAnOlderRelease);
        assertThat(BandLedger.effective(keptByAnOlderRelease, State.SHIPPED).state())
                .isEqualTo(State.SHIPPED);
        Claim shipped = new Claim(EARLY, State.SHIPPED);
        assertThat(BandLedger.effective(shipped, State.KEPT)).isSameAs(shipped);
        assertThat(BandLedger.effective(null, State.KEPT)).isNull();

        byte[] band = BandLedger.resolvedKey(DedupKeys.Kind.BAND, "docs/0@7");
        byte[] exact = BandLedger.resolvedKey(DedupKeys.Kind.EXACT, "docs/0@7");
        assertThat(band).as("one record per document and step").isNotEqualTo(exact);
        assertThat(band[0]).isEqualTo(DedupKeys.Kind.BAND.tag());
        assertThat(new String(band, 1, band.length - 1, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("docs/0@7");
    }

    @Test
    void claimsAndMessagesSurviveTheirEncoding() {
        Claim claim = new Claim(new Contender(1_700_000_000_123L, "kiln.corpus.documents/3@1234"), State.SHIPPED);
        assertThat(Claim.decode(claim.encode())).isEqualTo(claim);
        Entry bands = new Entry(
                Type.CLAIM, 42, 1_700_000_000_123L, "doc/1@2", DedupKeys.Kind.BAND, new int[] {0, 5, 13}, new long[] {
                    -1L, 0x0123456789ABCDEFL, 7
                });
        Entry exact = new Entry(Type.SHIPPED, 0, 0, "doc/0@1", DedupKeys.Kind.EXACT, new int[] {0}, new long[] {9});
        BandBatch batch = new BandBatch("replica-ä", 5, List.of(bands, exact));
        byte[] encoded = batch.encode();
        assertThat(BandBatch.decode(encoded)).isEqualTo(batch);
        int size = BandBatch.headerSize("replica-ä") + BandBatch.sizeOf(bands) + BandBatch.sizeOf(exact);
        assertThat(encoded).as("batches are sized before they are encoded").hasSize(size);
        VerdictBatch verdicts = new VerdictBatch(
                "replica-ä", List.of(new KeyAnswer(42, 13, false, "doc/0@1"), new KeyAnswer(42, 0, true, null)));
        assertThat(VerdictBatch.decode(verdicts.encode())).isEqualTo(verdicts);
    }

    @Test
    void aRecordInAnotherLayoutIsRefusedNotMisread() {
        // The previous layout: one key a record, starting with its type's ordinal.
        byte[] perKey = {0, 0, 2, 'r', '1', 0, 0, 0, 1};
        assertThatThrownBy(() -> BandBatch.decode(perKey)).isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = Arrays.copyOf(
                new BandBatch(
                                "r1",
                                0,
                                List.of(new Entry(
                                        Type.KEPT, 0, 0, "d", DedupKeys.Kind.BAND, new int[] {1}, new long[] {2})))
                        .encode(),
                20);
        assertThatThrownBy(() -> BandBatch.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEntryNarrowedToOneKeyKeepsItsPlaceAndOrder() {
        Entry entry =
                new Entry(Type.CLAIM, 9, 1000, "doc/1@2", DedupKeys.Kind.BAND, new int[] {2, 7}, new long[] {11, 12});
        Entry waiter = entry.only(1);
        assertThat(waiter.indexes()).containsExactly(7);
        assertThat(waiter.indexKey(0)).isEqualTo(entry.indexKey(1));
        assertThat(waiter.contender()).isEqualTo(new Contender(1000, "doc/1@2"));
    }

    @Test
    void waitingClaimsOfOneKeyShareItsPrefix() {
        byte[] key = new DedupKeys(DedupKeys.Kind.BAND, "x", new long[] {-1L}).indexKey(0);
        byte[] other = new DedupKeys(DedupKeys.Kind.BAND, "x", new long[] {7L}).indexKey(0);
        Entry request = new Entry(Type.CLAIM, 9, 1000, "doc/1@2", DedupKeys.Kind.BAND, new int[] {3}, new long[] {-1L});
        byte[] waiting = DedupMessages.waitKey(key, "r1", request);
        assertThat(Arrays.copyOf(waiting, key.length)).isEqualTo(key);
        assertThat(waiting).isNotEqualTo(DedupMessages.waitKey(other, "r1", request));
        assertThat(waiting)
                .as("one request's keys stay apart")
                .isNotEqualTo(DedupMessages.waitKey(
                        key,
                        "r1",
                        new Entry(
                                Type.CLAIM, 9, 1000, "doc/1@2", DedupKeys.Kind.BAND, new int[] {4}, new long[] {-1L})));
        assertThat(request.contender()).isEqualTo(new Contender(1000, "doc/1@2"));
    }

    @Test
    void indexKeysKeepExactHashesAndBandKeysApart() {
        long value = 0x0123456789ABCDEFL;
        byte[] exact = new DedupKeys(DedupKeys.Kind.EXACT, "d", new long[] {value}).indexKey(0);
        byte[] band = new DedupKeys(DedupKeys.Kind.BAND, "d", new long[] {value}).indexKey(0);
        assertThat(exact).hasSize(9).isNotEqualTo(band);
        assertThat(Arrays.copyOfRange(exact, 1, 9)).isEqualTo(Arrays.copyOfRange(band, 1, 9));
    }
}
