package dev.kiln.corpus.pipeline.dedup;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The values on the band and verdict topics, in a fixed binary layout written by hand: they are the
 * bulk of the dedup topics and of their changelogs (bytes on disk per document is a measured figure),
 * and a few dozen bytes of fixed fields need no schema library. Integers are big-endian; a string is
 * a 2-byte length and UTF-8.
 *
 * <p>Messages are batched, because a record per key (15 a document, each claimed, resolved and
 * marked shipped) made the per-record cost of the broker, the stream task's transaction and the
 * verdict reader the whole cost of global dedup: one {@link BandBatch} carries every key of one or
 * more documents that lives on one band partition, and the stream task answers a batch with one
 * {@link VerdictBatch} per replica. The stores still decide per key.
 */
public final class DedupMessages {

    /** First byte of a {@link BandBatch}; a record without it (an older layout) is skipped. */
    public static final byte BATCH_FORMAT = 0x42;

    private DedupMessages() {}

    public enum Type {
        /** Decide first-seen and hold the key when first (or wait for a later pending holder). */
        CLAIM,
        /** Answer as a claim would, change nothing. */
        PROBE,
        /** The holder was shipped; no answer. */
        SHIPPED,
        /** The document's verdict at this step was kept: it holds its keys for good; no answer. */
        KEPT,
        /** The document's verdict at this step was duplicate: its pending keys are freed; no answer. */
        DROPPED
    }

    /**
     * One request of one document for its keys that live on one band partition: {@code indexes[i]} is
     * the position of {@code keys[i]} in the document's keys (what its answer names), {@code
     * requestId} routes the answers back to the waiting document, {@code orderMillis} and {@code
     * document} place the document in the order every partition agrees on ({@link
     * BandLedger.Contender}). Marks (shipped, kept, dropped) carry request id 0.
     */
    public record Entry(
            Type type,
            long requestId,
            long orderMillis,
            String document,
            DedupKeys.Kind kind,
            int[] indexes,
            long[] keys) {

        public Entry {
            if (indexes.length != keys.length) {
                throw new IllegalArgumentException(indexes.length + " indexes for " + keys.length + " keys");
            }
        }

        public int size() {
            return keys.length;
        }

        /** The store's key of the {@code i}-th key of this entry (see {@link DedupKeys#indexKey}). */
        public byte[] indexKey(int i) {
            return DedupKeys.indexKey(kind, keys[i]);
        }

        /** This entry narrowed to its {@code i}-th key: what waits in the store for that key. */
        public Entry only(int i) {
            return new Entry(
                    type, requestId, orderMillis, document, kind, new int[] {indexes[i]}, new long[] {keys[i]});
        }

        /** The document in the order the ledger decides in. */
        public BandLedger.Contender contender() {
            return new BandLedger.Contender(orderMillis, document);
        }

        int encodedSize() {
            return 1 + 8 + 8 + 2 + utf8(document).length + 1 + 2 + keys.length * (2 + 8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e
                    && type == e.type
                    && requestId == e.requestId
                    && orderMillis == e.orderMillis
                    && document.equals(e.document)
                    && kind == e.kind
                    && Arrays.equals(indexes, e.indexes)
                    && Arrays.equals(keys, e.keys);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * document.hashCode() + Long.hashCode(requestId)) + Arrays.hashCode(keys);
        }

        @Override
        public String toString() {
            return type + " " + document + " #" + requestId + " " + kind + Arrays.toString(indexes);
        }
    }

    /**
     * The value of one band-topic record: entries of one replica whose keys all live on the record's
     * partition (its Kafka key is one of those keys, so a record of one key is keyed exactly by its
     * key). {@code replica} and {@code replyPartition} route the answers. Layout: {@link
     * #BATCH_FORMAT}, replica, reply partition (4), entry count (4), then per entry: type (1), request
     * id (8), order millis (8), document, key kind tag (1), key count (2), then per key its index in the
     * document (2) and the key (8).
     */
    public record BandBatch(String replica, int replyPartition, List<Entry> entries) {

        /** Bytes of the header before the entries, for sizing batches. */
        public static int headerSize(String replica) {
            return 1 + 2 + utf8(replica).length + 4 + 4;
        }

        /** Encoded bytes of {@code entry} inside a batch. */
        public static int sizeOf(Entry entry) {
            return entry.encodedSize();
        }

        public byte[] encode() {
            byte[] r = utf8(replica);
            int size = headerSize(replica);
            for (Entry e : entries) {
                size += e.encodedSize();
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            b.put(BATCH_FORMAT);
            putString(b, r);
            b.putInt(replyPartition).putInt(entries.size());
            for (Entry e : entries) {
                b.put((byte) e.type().ordinal()).putLong(e.requestId()).putLong(e.orderMillis());
                putString(b, utf8(e.document()));
                b.put(e.kind().tag()).putShort((short) e.size());
                for (int i = 0; i < e.size(); i++) {
                    b.putShort((short) e.indexes()[i]).putLong(e.keys()[i]);
                }
            }
            return b.array();
        }

        /** @throws IllegalArgumentException when {@code bytes} are not a batch in this layout */
        public static BandBatch decode(byte[] bytes) {
            if (bytes == null || bytes.length == 0 || bytes[0] != BATCH_FORMAT) {
                throw new IllegalArgumentException("not a band batch (format byte " + BATCH_FORMAT + ")");
            }
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
                String replica = getString(b);
                int replyPartition = b.getInt();
                int count = b.getInt();
                List<Entry> entries = new ArrayList<>(Math.min(count, bytes.length));
                for (int n = 0; n < count; n++) {
                    Type type = Type.values()[b.get()];
                    long requestId = b.getLong();
                    long order = b.getLong();
                    String document = getString(b);
                    DedupKeys.Kind kind = DedupKeys.Kind.of(b.get());
                    int keys = Short.toUnsignedInt(b.getShort());
                    int[] indexes = new int[keys];
                    long[] values = new long[keys];
                    for (int i = 0; i < keys; i++) {
                        indexes[i] = Short.toUnsignedInt(b.getShort());
                        values[i] = b.getLong();
                    }
                    entries.add(new Entry(type, requestId, order, document, kind, indexes, values));
                }
                return new BandBatch(replica, replyPartition, entries);
            } catch (BufferUnderflowException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("truncated band batch", e);
            }
        }
    }

    /** The answer for one key: {@code holder} names the document holding it when it is not first. */
    public record KeyAnswer(long requestId, int index, boolean first, String holder) {}

    /**
     * The answers of one replica decided while processing one band batch (or settled by one), sent to
     * the verdict topic's partition the replica reads. Layout: replica, answer count (4), then per
     * answer: request id (8), key index (2), first (1), and for a duplicate the holder's name.
     */
    public record VerdictBatch(String replica, List<KeyAnswer> answers) {

        public byte[] encode() {
            byte[] r = utf8(replica);
            List<byte[]> holders = new ArrayList<>(answers.size());
            int size = 2 + r.length + 4;
            for (KeyAnswer a : answers) {
                byte[] h = a.first() ? null : utf8(a.holder());
                holders.add(h);
                size += 8 + 2 + 1 + (h == null ? 0 : 2 + h.length);
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            putString(b, r);
            b.putInt(answers.size());
            for (int i = 0; i < answers.size(); i++) {
                KeyAnswer a = answers.get(i);
                b.putLong(a.requestId()).putShort((short) a.index()).put((byte) (a.first() ? 1 : 0));
                if (!a.first()) {
                    putString(b, holders.get(i));
                }
            }
            return b.array();
        }

        public static VerdictBatch decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            String replica = getString(b);
            int count = b.getInt();
            List<KeyAnswer> answers = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                long requestId = b.getLong();
                int index = Short.toUnsignedInt(b.getShort());
                boolean first = b.get() == 1;
                answers.add(new KeyAnswer(requestId, index, first, first ? null : getString(b)));
            }
            return new VerdictBatch(replica, answers);
        }
    }

    /**
     * The key a claim waits under while a later document holds its key pending: the dedup key first, so
     * a prefix scan finds a key's waiters, then the document (a prefix scan on key and document finds
     * its waits), then the request's identity to keep it unique. {@code waiter} has one key.
     */
    public static byte[] waitKey(byte[] indexKey, String replica, Entry waiter) {
        byte[] d = utf8(waiter.document());
        byte[] r = utf8(replica);
        ByteBuffer b = ByteBuffer.allocate(indexKey.length + d.length + 1 + r.length + 8 + 4);
        b.put(indexKey).put(d).put((byte) 0).put(r);
        b.putLong(waiter.requestId()).putInt(waiter.indexes()[0]);
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer b, byte[] utf8) {
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("name longer than 65535 bytes");
        }
        b.putShort((short) utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer b) {
        byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
