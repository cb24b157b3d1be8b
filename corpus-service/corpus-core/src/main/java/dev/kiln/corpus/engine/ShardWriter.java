package dev.kiln.corpus.engine;

import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.corpus.shard.TokenShardPacker;
import dev.kiln.proto.corpus.v1.TokenShard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects kept texts into tokenizer batches, packs their ids into shards and sends sealed shards
 * to the sink; a document's receipt is done when the shard that ends it is committed.
 * Thread-safe: every source (gRPC calls, file readers, the Kafka consumer) feeds one writer.
 */
public final class ShardWriter {

    /**
     * Where sealed shards go. The shard and the shipped marks of the documents that end in it become
     * visible together or not at all (one Kafka transaction); a {@code continued} shard (its document
     * goes on in the next) becomes visible only together with the shard that follows it. The future
     * completes when the shard is durable and visible (committed, acks=all).
     */
    public interface ShardSink {
        CompletableFuture<Void> send(TokenShard shard, boolean continued, List<DedupKeys> shippedMarks);
    }

    /** A kept document in the packer: whom to tell, and the keys to mark shipped with its shard (or null). */
    private record Packed(Receipt receipt, DedupKeys shippedMark) {}

    private final BatchTokenizer tokenizer;
    private final ShardSink sink;
    private final TokenShardPacker<Packed> packer;
    private final int batchDocuments;
    private final int batchChars;

    private final List<String> texts = new ArrayList<>();
    private final List<Packed> receipts = new ArrayList<>();
    private int pendingChars;
    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong shards = new AtomicLong();
    private volatile long lastActivity = System.nanoTime();

    public ShardWriter(
            BatchTokenizer tokenizer,
            ShardSink sink,
            String producerId,
            int shardTokens,
            int batchDocuments,
            int batchChars) {
        this.tokenizer = tokenizer;
        this.sink = sink;
        BatchTokenizer.EncodingSpec spec = tokenizer.encoding();
        this.packer =
                new TokenShardPacker<>(producerId, spec.name(), spec.vocabSize(), spec.eosTokenId(), shardTokens, 0);
        this.batchDocuments = batchDocuments;
        this.batchChars = batchChars;
    }

    /** As {@link #add(String, DedupKeys, Receipt)} for a document with no dedup keys to mark. */
    public void add(String text, Receipt receipt) {
        add(text, null, receipt);
    }

    /**
     * Queues a kept document; {@code shippedMark} (may be null) travels in the same transaction as the
     * shard that ends it, so a replay finds it shipped exactly when the shard is on the topic.
     */
    public synchronized void add(String text, DedupKeys shippedMark, Receipt receipt) {
        texts.add(text);
        receipts.add(new Packed(receipt, shippedMark));
        pendingChars += text.length();
        lastActivity = System.nanoTime();
        if (texts.size() >= batchDocuments || pendingChars >= batchChars) {
            tokenizePending();
        }
    }

    /** Tokenizes and packs what waits for a batch; the partial shard stays open. */
    public synchronized void flush() {
        tokenizePending();
    }

    /** Flushes, then seals the partial shard so that nothing waits in memory. */
    public synchronized void seal() {
        tokenizePending();
        for (TokenShardPacker.SealedShard<Packed> shard : packer.flush()) {
            ship(shard);
        }
    }

    /** Seals when nothing arrived for {@code idleNanos}: a quiet source still reaches the trainer. */
    public synchronized void sealIfIdle(long idleNanos) {
        if (System.nanoTime() - lastActivity >= idleNanos && (packer.pendingTokens() > 0 || !texts.isEmpty())) {
            seal();
        }
    }

    /** Waits until every shard sent so far is committed (or failed). */
    public void awaitShipped(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        List<CompletableFuture<Void>> pending;
        synchronized (this) {
            pending = new ArrayList<>(inFlight);
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(timeout, unit);
        } catch (ExecutionException e) {
            // Failed shards have failed their receipts; the caller reads them there.
        }
    }

    public long tokens() {
        return tokens.get();
    }

    public long shardsProduced() {
        return shards.get();
    }

    private void tokenizePending() {
        if (texts.isEmpty()) {
            return;
        }
        List<String> batch = new ArrayList<>(texts);
        List<Packed> batchReceipts = new ArrayList<>(receipts);
        texts.clear();
        receipts.clear();
        pendingChars = 0;
        List<int[]> ids;
        try {
            ids = tokenizer.tokenize(batch);
        } catch (RuntimeException e) {
            batchReceipts.forEach(r -> r.receipt().failed(e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            int[] docIds = ids.get(i);
            Packed packed = batchReceipts.get(i);
            packed.receipt().tokenized(docIds.length + 1);
            tokens.addAndGet(docIds.length + 1L);
            for (TokenShardPacker.SealedShard<Packed> shard : packer.add(docIds, packed)) {
                ship(shard);
            }
        }
    }

    private void ship(TokenShardPacker.SealedShard<Packed> sealed) {
        List<DedupKeys> marks = new ArrayList<>();
        for (Packed packed : sealed.completedDocuments()) {
            if (packed.shippedMark() != null) {
                marks.add(packed.shippedMark());
            }
        }
        CompletableFuture<Void> sent = sink.send(sealed.shard(), sealed.continued(), marks);
        inFlight.add(sent);
        sent.whenComplete((ok, error) -> {
            if (error == null) {
                shards.incrementAndGet();
                sealed.completedDocuments().forEach(r -> r.receipt().done());
            } else {
                sealed.completedDocuments().forEach(r -> r.receipt().failed(error));
            }
            synchronized (this) {
                inFlight.remove(sent);
            }
        });
    }
}
