package dev.kiln.corpus.pipeline.dedup;

import java.nio.charset.StandardCharsets;

/**
 * The rule the global index applies to one key, kept free of any framework so it is tested on its own.
 * A key's claim names the document that holds it and whether that document was shipped.
 *
 * <ul>
 *   <li>No claim: the document is first; it becomes the holder.
 *   <li>Claimed by the same document, not yet shipped: a replay after a crash that lost the document
 *       before its shard was acknowledged, so it is first again (nothing lost).
 *   <li>Claimed by the same document, shipped: a replay of a shipped document is a duplicate (nothing
 *       twice).
 *   <li>Claimed by another document: a duplicate.
 * </ul>
 *
 * <p>Claims that arrive within the race window are decided in the order of (claim time, document), not
 * of arrival, so the same order holds on every key of every partition: two replicas racing with
 * near-duplicates keep exactly the earlier one instead of each winning some bands and both losing.
 */
public final class BandLedger {

    private BandLedger() {}

    /** The holder of a key, as stored: one flag byte (1 = shipped), then the document's name in UTF-8. */
    public record Claim(String holder, boolean shipped) {
        public byte[] encode() {
            byte[] name = holder.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[name.length + 1];
            out[0] = (byte) (shipped ? 1 : 0);
            System.arraycopy(name, 0, out, 1, name.length);
            return out;
        }

        public static Claim decode(byte[] bytes) {
            return new Claim(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8), bytes[0] == 1);
        }
    }

    /** True when {@code document} is first for a key whose current claim is {@code existing} (null: none). */
    public static boolean first(Claim existing, String document) {
        return existing == null || (existing.holder().equals(document) && !existing.shipped());
    }

    /** The claim after a shipped mark by {@code document}; unchanged when another document holds it. */
    public static Claim markShipped(Claim existing, String document) {
        if (existing == null || !existing.holder().equals(document)) {
            return existing;
        }
        return new Claim(document, true);
    }
}
