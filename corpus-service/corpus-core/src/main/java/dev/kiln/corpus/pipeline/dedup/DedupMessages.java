package dev.kiln.corpus.pipeline.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The values on the band and verdict topics, in a fixed binary layout written by hand: they are the
 * bulk of the dedup topics and of their changelogs (bytes on disk per document is a measured figure),
 * and a few dozen bytes of fixed fields need no schema library. Strings are a 2-byte length and UTF-8.
 */
public final class DedupMessages {

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
     * One key of one document, sent to the band topic under the key's {@link DedupKeys#indexKey}.
     * {@code replica}, {@code replyPartition} and {@code requestId} route the answer back; {@code index}
     * is the key's position in the document's keys; {@code orderMillis} and {@code document} place the
     * document in the order every partition agrees on ({@link BandLedger.Contender}).
     */
    public record BandRequest(
            Type type,
            String replica,
            int replyPartition,
            long requestId,
            int index,
            long orderMillis,
            String document) {

        public byte[] encode() {
            byte[] r = replica.getBytes(StandardCharsets.UTF_8);
            byte[] d = document.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + 2 + r.length + 4 + 8 + 4 + 8 + 2 + d.length);
            b.put((byte) type.ordinal());
            putString(b, r);
            b.putInt(replyPartition).putLong(requestId).putInt(index).putLong(orderMillis);
            putString(b, d);
            return b.array();
        }

        public static BandRequest decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            Type type = Type.values()[b.get()];
            String replica = getString(b);
            int partition = b.getInt();
            long requestId = b.getLong();
            int index = b.getInt();
            long order = b.getLong();
            return new BandRequest(type, replica, partition, requestId, index, order, getString(b));
        }
    }

    /** The answer for one key, sent to the verdict topic's partition {@code replyPartition}. */
    public record BandVerdict(String replica, long requestId, int index, boolean first, String holder) {

        public byte[] encode() {
            byte[] r = replica.getBytes(StandardCharsets.UTF_8);
            byte[] h = holder.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(2 + r.length + 8 + 4 + 1 + 2 + h.length);
            putString(b, r);
            b.putLong(requestId).putInt(index).put((byte) (first ? 1 : 0));
            putString(b, h);
            return b.array();
        }

        public static BandVerdict decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            String replica = getString(b);
            long requestId = b.getLong();
            int index = b.getInt();
            boolean first = b.get() == 1;
            return new BandVerdict(replica, requestId, index, first, getString(b));
        }
    }

    /**
     * The key a claim waits under while a later document holds its key pending: the dedup key first, so
     * a prefix scan finds a key's waiters, then the request's identity to keep it unique.
     */
    public static byte[] waitKey(byte[] indexKey, BandRequest request) {
        byte[] d = request.document().getBytes(StandardCharsets.UTF_8);
        byte[] r = request.replica().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(indexKey.length + d.length + 1 + r.length + 8 + 4);
        b.put(indexKey).put(d).put((byte) 0).put(r);
        b.putLong(request.requestId()).putInt(request.index());
        return b.array();
    }

    /** The document in the order the ledger decides in. */
    public static BandLedger.Contender contender(BandRequest request) {
        return new BandLedger.Contender(request.orderMillis(), request.document());
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
