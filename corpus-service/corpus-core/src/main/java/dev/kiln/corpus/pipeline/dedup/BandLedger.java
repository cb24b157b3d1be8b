package dev.kiln.corpus.pipeline.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rule the global index applies to one key, kept free of any framework so it is tested on its own
 * (including adversarial interleavings, {@code BandLedgerTest}). It never looks at a clock: what it
 * decides depends only on the order messages reach the key, never on how late they are.
 *
 * <p>Documents are totally ordered by {@link Contender} (claim time at the replica, then document
 * name); every key of a document carries the same contender, so every partition agrees on the order. A
 * key's holder is {@link State#PENDING} from its claim until its replica has joined all the document's
 * answers and sent the verdict back ({@link #resolved}): kept makes the holder {@link State#KEPT},
 * dropped frees the key. A claim meets the key in one of these states:
 *
 * <ul>
 *   <li>No holder: the claimant becomes the pending holder ({@link Answer#FIRST}).
 *   <li>Held by the same document (a replay after a crash): first again unless it was shipped, so a
 *       document lost before its shard was committed is kept and a shipped one is not shipped twice.
 *   <li>Held by a kept document: {@link Answer#DUPLICATE}.
 *   <li>Held by a pending document earlier in the order: {@link Answer#DUPLICATE} (the later one gives
 *       way at once).
 *   <li>Held by a pending document later in the order: {@link Answer#WAIT} until the holder is
 *       resolved, then the earliest waiter takes a freed key and the others are answered against it
 *       ({@link #settle}).
 * </ul>
 *
 * <p>This is wait-die: only earlier documents wait for later ones, so waits never form a cycle and
 * every claim is answered once the claims it waits on are. What it guarantees, whatever the
 * interleaving: two documents that share a key are never both kept (a key has one holder and a
 * kept holder answers everyone else duplicate), and a document is dropped only for a key held by a kept
 * document or by an earlier one; following those causes goes strictly down the order, so it ends at a
 * kept document and every group of documents linked by shared keys keeps at least one. Copies that
 * share all their keys therefore keep exactly one. Which one is the earliest in the order whenever its
 * claims are not behind a copy already kept; a copy already kept and shipped cannot be called back.
 */
public final class BandLedger {

    private BandLedger() {}

    /** A document in the order every partition agrees on: claim time, then name. */
    public record Contender(long order, String document) implements Comparable<Contender> {
        private static final Comparator<Contender> ORDER =
                Comparator.comparingLong(Contender::order).thenComparing(Contender::document);

        @Override
        public int compareTo(Contender other) {
            return ORDER.compare(this, other);
        }
    }

    /** A holder's state: its verdict is not known yet, it was kept, or it was kept and shipped. */
    public enum State {
        PENDING,
        KEPT,
        SHIPPED
    }

    /** The answer to one claim on one key. */
    public enum Answer {
        FIRST,
        DUPLICATE,
        WAIT
    }

    /** The holder of a key, as stored: state byte, claim time (8 bytes), then the name in UTF-8. */
    public record Claim(Contender holder, State state) {
        public String document() {
            return holder.document();
        }

        public byte[] encode() {
            byte[] name = holder.document().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + name.length)
                    .put((byte) state.ordinal())
                    .putLong(holder.order())
                    .put(name)
                    .array();
        }

        public static Claim decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            State state = State.values()[b.get()];
            long order = b.getLong();
            String name = new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8);
            return new Claim(new Contender(order, name), state);
        }
    }

    /**
     * A key's holder from the two records the stores keep it in: the claim written when the hold was
     * taken ({@code stored}, pending) and the state its document reached at this step in this partition
     * ({@code resolved}, null while pending), which is written once per document, step and partition
     * rather than on each of its keys: a document's keys share one verdict and one shipped mark. A claim
     * an older release stored with its state in it keeps that state unless the document moved on since.
     */
    public static Claim effective(Claim stored, State resolved) {
        if (stored == null || resolved == null || resolved.compareTo(stored.state()) <= 0) {
            return stored;
        }
        return new Claim(stored.holder(), resolved);
    }

    /** The store key of a document's resolved state at one step: the kind's tag, then its name in UTF-8. */
    public static byte[] resolvedKey(DedupKeys.Kind kind, String document) {
        byte[] name = document.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + name.length).put(kind.tag()).put(name).array();
    }

    /** The answer to {@code claimant}'s claim on a key whose holder is {@code existing} (null: none). */
    public static Answer claim(Claim existing, Contender claimant) {
        if (existing == null) {
            return Answer.FIRST;
        }
        if (existing.document().equals(claimant.document())) {
            return existing.state() == State.SHIPPED ? Answer.DUPLICATE : Answer.FIRST;
        }
        if (existing.state() != State.PENDING) {
            return Answer.DUPLICATE;
        }
        return existing.holder().compareTo(claimant) < 0 ? Answer.DUPLICATE : Answer.WAIT;
    }

    /** The holder after {@code claimant}'s claim was answered {@code answer}. */
    public static Claim after(Claim existing, Contender claimant, Answer answer) {
        if (answer == Answer.FIRST && (existing == null || !existing.document().equals(claimant.document()))) {
            return new Claim(claimant, State.PENDING);
        }
        return existing;
    }

    /**
     * The holder after {@code document}'s verdict came back: kept holds the key for good, dropped frees
     * it; a key another document holds is unchanged, and so is a shipped one.
     */
    public static Claim resolved(Claim existing, String document, boolean kept) {
        if (existing == null || !existing.document().equals(document) || existing.state() == State.SHIPPED) {
            return existing;
        }
        return kept ? new Claim(existing.holder(), State.KEPT) : null;
    }

    /** The claim after a shipped mark by {@code document}; unchanged when another document holds it. */
    public static Claim markShipped(Claim existing, String document) {
        if (existing == null || !existing.document().equals(document)) {
            return existing;
        }
        return new Claim(existing.holder(), State.SHIPPED);
    }

    /** The key's holder after {@link #settle}, and the answer of each waiter (same order as given). */
    public record Settled(Claim holder, List<Answer> answers) {}

    /**
     * Answers the claims waiting on a key, earliest first, against its holder {@code existing}: after
     * the holder was resolved, the earliest waiter takes a freed key and those after it give way to
     * it. Waiters still behind a pending holder stay {@link Answer#WAIT}.
     */
    public static Settled settle(Claim existing, List<Contender> waitersEarliestFirst) {
        Claim holder = existing;
        List<Answer> answers = new ArrayList<>(waitersEarliestFirst.size());
        for (Contender waiter : waitersEarliestFirst) {
            Answer answer = claim(holder, waiter);
            holder = after(holder, waiter, answer);
            answers.add(answer);
        }
        return new Settled(holder, answers);
    }
}
