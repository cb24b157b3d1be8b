package dev.kiln.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BPE model of SentencePiece-style {@code tokenizer.json} files (Llama 2, Mistral, TinyLlama):
 * symbols are Unicode characters rather than bytes, a character missing from the vocab becomes its
 * UTF-8 bytes as {@code <0xNN>} tokens ({@code byte_fallback}) or the unknown token, and merges apply
 * lowest rank first, leftmost first among equals — Hugging Face's {@code BPE::merge_word} and
 * {@code Word::merge_all}, followed rule for rule so ids are equal.
 *
 * <p>Hand-written because it is the product: no Java library implements Hugging Face's BPE. A word
 * may be a whole prompt (Llama 2 files have no pre-tokenizer), so merging is a heap over a linked
 * list of symbols, O(n log n).
 *
 * <p>Immutable and thread-safe; {@link #encode} allocates only its scratch arrays.
 */
final class SentencePieceBpe {
    private final String[] tokenById;
    private final Map<String, Integer> idByToken;
    /** Single-character tokens by code point, the start of every word. */
    private final Map<Integer, Integer> idByCodePoint;
    /** (left id, right id) → (rank, merged id). */
    private final Map<Long, Long> merges;
    /** Id of {@code <0xNN>} per byte, or -1 when byte fallback is off or the token is missing. */
    private final int[] byteFallback = new int[256];

    private final boolean hasByteFallback;
    private final int unknownId;
    private final boolean fuseUnknown;
    private final boolean ignoreMerges;
    /** The bytes each id decodes to: the metaspace as a space, {@code <0xNN>} as its byte. */
    private final byte[][] decoded;

    /**
     * @param mergePairs merges in priority order, as token pairs
     * @param unknownToken the vocab entry for characters that cannot be encoded otherwise, or null
     * @param metaspace the character decoded as a space ({@code ▁})
     */
    SentencePieceBpe(
            Map<String, Integer> vocab,
            List<String[]> mergePairs,
            String unknownToken,
            boolean byteFallback,
            boolean fuseUnknown,
            boolean ignoreMerges,
            char metaspace) {
        int limit = 0;
        for (int id : vocab.values()) {
            if (id < 0) {
                throw new IllegalArgumentException("negative id in vocab");
            }
            limit = Math.max(limit, id + 1);
        }
        tokenById = new String[limit];
        idByToken = Map.copyOf(vocab);
        idByCodePoint = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String t = e.getKey();
            tokenById[e.getValue()] = t;
            if (!t.isEmpty() && t.codePointCount(0, t.length()) == 1) {
                idByCodePoint.put(t.codePointAt(0), e.getValue());
            }
        }
        merges = new HashMap<>(mergePairs.size() * 2);
        for (int rank = 0; rank < mergePairs.size(); rank++) {
            String[] pair = mergePairs.get(rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + pair[0] + " " + pair[1]
                        + ") uses or makes a token that is not in the vocab");
            }
            // like Hugging Face's map built from the list: a repeated pair keeps its last rank
            merges.put(pairKey(left, right), ((long) rank << 32) | merged);
        }
        this.hasByteFallback = byteFallback;
        for (int b = 0; b < 256; b++) {
            Integer id = byteFallback ? vocab.get(String.format("<0x%02X>", b)) : null;
            this.byteFallback[b] = id == null ? -1 : id;
        }
        if (unknownToken != null && !vocab.containsKey(unknownToken)) {
            throw new IllegalArgumentException("unk_token " + unknownToken + " is not in the vocab");
        }
        this.unknownId = unknownToken == null ? -1 : vocab.get(unknownToken);
        this.fuseUnknown = fuseUnknown;
        this.ignoreMerges = ignoreMerges;
        decoded = new byte[limit][];
        String space = String.valueOf(metaspace);
        for (int id = 0; id < limit; id++) {
            String t = tokenById[id];
            if (t == null) {
                continue;
            }
            int b = byteOf(t);
            decoded[id] = b >= 0 && byteFallback
                    ? new byte[] {(byte) b}
                    : t.replace(space, " ").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static int byteOf(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return Integer.parseInt(token.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    int idLimit() {
        return tokenById.length;
    }

    boolean containsId(int id) {
        return id >= 0 && id < tokenById.length && tokenById[id] != null;
    }

    /** The vocab entry of an id, or null. */
    String token(int id) {
        return containsId(id) ? tokenById[id] : null;
    }

    /** The id of a vocab entry, or null. */
    Integer id(String token) {
        return idByToken.get(token);
    }

    byte[] decodedBytes(int id) {
        return decoded[id];
    }

    /** Appends the ids of one pre-tokenized, normalized word. */
    void encode(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer whole = idByToken.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int n = word.length();
        // one id per char is the common case; byte fallback (up to 3 ids per char) grows the array
        int[] ids = new int[n + 8];
        int count = 0;
        int pendingUnknown = 0; // 0: none; else 1 + number of fused unknowns pending
        for (int i = 0; i < n; ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            if (ids.length - count < 5) {
                ids = java.util.Arrays.copyOf(ids, ids.length * 2);
            }
            Integer id = idByCodePoint.get(cp);
            if (id != null) {
                if (pendingUnknown > 0) {
                    ids[count++] = unknownId;
                    pendingUnknown = 0;
                }
                ids[count++] = id;
                continue;
            }
            int fallbackBytes = hasByteFallback ? appendBytes(cp, ids, count) : 0;
            if (fallbackBytes > 0) {
                count += fallbackBytes;
                continue;
            }
            if (unknownId >= 0) {
                if (pendingUnknown > 0 && !fuseUnknown) {
                    ids[count++] = unknownId;
                }
                pendingUnknown = 1;
            }
            // without an unk token Hugging Face drops the character; so do we
        }
        if (pendingUnknown > 0) {
            ids[count++] = unknownId;
        }
        mergeAll(ids, count, out);
    }

    /** Writes the {@code <0xNN>} ids of a code point's UTF-8 bytes; returns their number, 0 if one is missing. */
    private int appendBytes(int cp, int[] ids, int at) {
        byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteFallback[b & 0xFF] < 0) {
                return 0;
            }
        }
        for (int k = 0; k < bytes.length; k++) {
            ids[at + k] = byteFallback[bytes[k] & 0xFF];
        }
        return bytes.length;
    }

    private void mergeAll(int[] ids, int count, IntList out) {
        if (count < 2) {
            for (int i = 0; i < count; i++) {
                out.add(ids[i]);
            }
            return;
        }
        int[] next = new int[count];
        int[] prev = new int[count];
        boolean[] gone = new boolean[count];
        for (int i = 0; i < count; i++) {
            next[i] = i + 1 < count ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // heap entries: rank << 32 | position; a stale entry is detected by re-checking the pair
        LongMinHeap heap = new LongMinHeap(count);
        for (int i = 0; i + 1 < count; i++) {
            Long m = merges.get(pairKey(ids[i], ids[i + 1]));
            if (m != null) {
                heap.addUnordered((m >>> 32) << 32 | i);
            }
        }
        heap.heapify();
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int pos = (int) top;
            long rank = top >>> 32;
            if (gone[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            Long m = merges.get(pairKey(ids[pos], ids[right]));
            if (m == null || (m >>> 32) != rank) {
                continue; // the pair at pos changed since this entry was queued
            }
            ids[pos] = (int) (long) m;
            gone[right] = true;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
            }
            if (prev[pos] >= 0) {
                Long left = merges.get(pairKey(ids[prev[pos]], ids[pos]));
                if (left != null) {
                    heap.add((left >>> 32) << 32 | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                Long after = merges.get(pairKey(ids[pos], ids[next[pos]]));
                if (after != null) {
                    heap.add((after >>> 32) << 32 | pos);
                }
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(ids[i]);
        }
    }
}
