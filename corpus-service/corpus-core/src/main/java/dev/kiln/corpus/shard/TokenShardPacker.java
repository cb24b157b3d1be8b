package dev.kiln.corpus.shard;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs the token ids of whole documents, each followed by EOS, into {@link TokenShard}s of at most
 * {@code shardTokens} tokens. A shard ends at a document's end: a document that does not fit in what
 * is left of the open shard starts the next one, and only a document longer than a whole shard is
 * split, over shards of its own, the last of which is sealed at once. So every shard but those inside
 * one over-long document holds whole documents, and the sink can publish a shard together with the
 * shipped marks of its documents in one transaction: no crash leaves a document's head on the topic
 * without its tail (with documents spanning two shards, one crash between them would let the replay
 * ship the head a second time). The cost is shards shorter than the limit by part of a document on
 * average; the trainer reads one token stream and does not care.
 *
 * <p>Each document comes with a receipt (a Kafka offset, an ingest call's latch ...). A sealed
 * shard hands back the receipts of the documents that <em>end</em> in it: once that shard is
 * acknowledged by the broker, those documents are safely on the topic and their source may be
 * committed. Not thread-safe: one packer per producing thread.
 *
 * @param <R> the receipt type
 */
public final class TokenShardPacker<R> {

    /** Kafka's default message limit is 1 MiB; leave room for the envelope and document starts. */
    static final int MAX_SHARD_BYTES = 900 * 1024;

    private final String producerId;
    private final String encoding;
    private final int vocabSize;
    private final int eosTokenId;
    private final TokenWidth width;
    private final int shardTokens;

    private final int[] buffer;
    private int filled;
    private final List<Integer> documentStarts = new ArrayList<>();
    private final List<R> receiptsEndingHere = new ArrayList<>();
    private long sequence;

    /**
     * A shard ready to produce, with the receipts of the documents it completes. {@code continued}: its
     * (only) document goes on in the next shard, so the two must become visible together.
     */
    public record SealedShard<R>(TokenShard shard, List<R> completedDocuments, boolean continued) {}

    /**
     * @param producerId   unique per producing replica; shard ids are "{producerId}-{sequence}"
     * @param shardTokens  tokens per shard; capped so that a shard stays under Kafka's 1 MiB limit
     * @param firstSequence sequence number of the first shard (resume a producer without reusing ids)
     */
    public TokenShardPacker(
            String producerId, String encoding, int vocabSize, int eosTokenId, int shardTokens, long firstSequence) {
        if (eosTokenId < 0 || eosTokenId >= vocabSize) {
            throw new IllegalArgumentException("EOS id " + eosTokenId + " is outside the vocabulary of " + vocabSize);
        }
        if (shardTokens < 1) {
            throw new IllegalArgumentException("shardTokens must be positive, got " + shardTokens);
        }
        this.producerId = producerId;
        this.encoding = encoding;
        this.vocabSize = vocabSize;
        this.eosTokenId = eosTokenId;
        this.width = TokenShards.widthFor(vocabSize);
        this.shardTokens = Math.min(shardTokens, MAX_SHARD_BYTES / TokenShards.bytesPerToken(width));
        this.buffer = new int[this.shardTokens];
        this.sequence = firstSequence;
    }

    public int shardTokens() {
        return shardTokens;
    }

    /** Tokens waiting in the current, unsealed shard. */
    public int pendingTokens() {
        return filled;
    }

    /**
     * Appends one document's ids and its EOS; returns the shards this sealed: often none, the open
     * shard when the document does not fit in it, and every shard of a document longer than a shard.
     */
    public List<SealedShard<R>> add(int[] ids, R receipt) {
        List<SealedShard<R>> sealed = new ArrayList<>(1);
        int total = ids.length + 1;
        if (filled > 0 && filled + total > shardTokens) {
            sealed.add(seal(false));
        }
        documentStarts.add(filled);
        int position = 0;
        while (position < total) {
            if (filled == shardTokens) {
                sealed.add(seal(true));
            }
            int n = Math.min(shardTokens - filled, total - position);
            for (int i = 0; i < n; i++, position++) {
                int id = position < ids.length ? ids[position] : eosTokenId;
                if (id < 0 || id >= vocabSize) {
                    // The tokenizer answered an id outside its own vocabulary: our fault, not the caller's.
                    throw new IllegalStateException("Token id " + id + " is outside the vocabulary of " + vocabSize);
                }
                buffer[filled++] = id;
            }
        }
        receiptsEndingHere.add(receipt);
        // A full shard, or the tail of a document split over shards, seals now: the receipt is not held
        // back, and the transaction of a split document never waits for documents not yet read.
        if (filled == shardTokens
                || !sealed.isEmpty() && sealed.get(sealed.size() - 1).continued()) {
            sealed.add(seal(false));
        }
        return sealed;
    }

    /** Seals whatever is pending into a shorter, final shard; empty when nothing is pending. */
    public List<SealedShard<R>> flush() {
        return filled == 0 ? List.of() : List.of(seal(false));
    }

    private SealedShard<R> seal(boolean continued) {
        ByteString packed = TokenShards.pack(buffer, filled, width);
        Instant now = Instant.now();
        TokenShard shard = TokenShard.newBuilder()
                .setShardId(producerId + "-" + sequence++)
                .setEncoding(encoding)
                .setVocabSize(vocabSize)
                .setTokenCount(filled)
                .setDocumentCount(documentStarts.size())
                .setTokenWidth(width)
                .setTokens(packed)
                .addAllDocumentStarts(documentStarts)
                .setEosTokenId(eosTokenId)
                .setCrc32C(TokenShards.crc32c(packed))
                .setCreatedAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
        SealedShard<R> result = new SealedShard<>(shard, List.copyOf(receiptsEndingHere), continued);
        filled = 0;
        documentStarts.clear();
        receiptsEndingHere.clear();
        return result;
    }
}
