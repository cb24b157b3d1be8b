package dev.kiln.corpus.engine;

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
 * to the sink; a document's receipt is done when the shard that ends it is acknowledged.
 * Thread-safe: every source (gRPC calls, file readers, the Kafka consumer) feeds one writer.
 */
public final class ShardWriter {

    /** Where sealed shards go; the future completes when the shard is durable (e.g. acks=all). */
    public interface ShardSink {
        CompletableFuture<Void> send(TokenShard shard);
    }

    private final BatchTokenizer tokenizer;
    private final ShardSink sink;
    private final TokenShardPacker<Receipt> packer;
    private final int batchDocuments;
    private final int batchChars;

    private final List<String> texts = new ArrayList<>();
    private final List<Receipt> receipts = new ArrayList<>();
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

    public synchronized void add(String text, Receipt receipt) {
        texts.add(text);
        receipts.add(receipt);
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
        for (TokenShardPacker.SealedShard<Receipt> shard : packer.flush()) {
            ship(shard);
        }
    }

    /** Seals when nothing arrived for {@code idleNanos}: a quiet source still reaches the trainer. */
    public synchronized void sealIfIdle(long idleNanos) {
        if (System.nanoTime() - lastActivity >= idleNanos && (packer.pendingTokens() > 0 || !texts.isEmpty())) {
            seal();
        }
    }

    /** Waits until every shard sent so far is acknowledged (or failed). */
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
        List<Receipt> batchReceipts = new ArrayList<>(receipts);
        texts.clear();
        receipts.clear();
        pendingChars = 0;
        List<int[]> ids;
        try {
            ids = tokenizer.tokenize(batch);
        } catch (RuntimeException e) {
            batchReceipts.forEach(r -> r.failed(e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            int[] docIds = ids.get(i);
            Receipt receipt = batchReceipts.get(i);
            receipt.tokenized(docIds.length + 1);
            tokens.addAndGet(docIds.length + 1L);
            for (TokenShardPacker.SealedShard<Receipt> shard : packer.add(docIds, receipt)) {
                ship(shard);
            }
        }
    }

    private void ship(TokenShardPacker.SealedShard<Receipt> sealed) {
        CompletableFuture<Void> sent = sink.send(sealed.shard());
        inFlight.add(sent);
        sent.whenComplete((ok, error) -> {
            if (error == null) {
                shards.incrementAndGet();
                sealed.completedDocuments().forEach(Receipt::done);
            } else {
                sealed.completedDocuments().forEach(r -> r.failed(error));
            }
            synchronized (this) {
                inFlight.remove(sent);
            }
        });
    }
}
