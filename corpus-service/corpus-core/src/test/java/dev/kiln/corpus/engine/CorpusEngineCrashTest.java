package dev.kiln.corpus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.pipeline.dedup.DedupKeys;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.testing.Europarl;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash between processing a document and the broker's acknowledgement of its shard must not make
 * the restarted service take the replayed document for a duplicate: dedup entries reach disk only
 * once their document is safely shipped.
 */
class CorpusEngineCrashTest {

    private static final Encoding R50K = EncodingRegistry.getDefault().get("r50k_base");

    /** tokenizer-core in process: the same library the tokenizer service serves. */
    private static final BatchTokenizer TOKENIZER = new BatchTokenizer() {
        @Override
        public EncodingSpec encoding() {
            return new EncodingSpec("r50k_base", R50K.vocabularySize(), 50256);
        }

        @Override
        public List<int[]> tokenize(List<String> texts) {
            return texts.stream().map(R50K::encodeOrdinary).toList();
        }
    };

    /** Holds every shard until the test acknowledges it, as a broker that has not answered yet. */
    private static final class PendingSink implements ShardWriter.ShardSink {
        final List<CompletableFuture<Void>> acks = new ArrayList<>();
        final List<TokenShard> shards = new ArrayList<>();

        @Override
        public CompletableFuture<Void> send(TokenShard shard, boolean continued, List<DedupKeys> shippedMarks) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            shards.add(shard);
            return ack;
        }
    }

    private static CorpusEngine engine(Path dedupDir, PendingSink sink) {
        Pipeline pipeline = Pipelines.build(PipelineConfig.defaults()
                .withDedup(PipelineConfig.Dedup.defaults().withDirectory(dedupDir)));
        return new CorpusEngine(
                pipeline,
                new ShardWriter(TOKENIZER, sink, "test", 256, 1, 1 << 20),
                TOKENIZER,
                new DocumentLimits(16 << 20));
    }

    private static List<String> englishDocuments(int count) {
        return Europarl.bodies().stream()
                .map(Europarl::asDocument)
                .filter(d -> Europarl.referenceLanguage(d).equals("en") && d.length() > 1500)
                .limit(count)
                .toList();
    }

    @Test
    void onlyShippedDocumentsAreRememberedAcrossACrash(@TempDir Path dir) throws Exception {
        List<String> docs = englishDocuments(8);
        PendingSink sink = new PendingSink();
        CorpusEngine before = engine(dir, sink);
        boolean[] done = new boolean[docs.size()];
        boolean[] kept = new boolean[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            int index = i;
            kept[i] = before.ingest(PipelineDocument.ofText("d" + i, null, docs.get(i)), () -> done[index] = true)
                    .join()
                    .kept();
        }
        assertThat(kept).as("the test documents pass the pipeline").containsOnly(true);
        assertThat(sink.shards).hasSizeGreaterThan(2);
        // The broker acknowledges the first shards only, then the process dies (nothing is closed).
        sink.acks.get(0).complete(null);
        sink.acks.get(1).complete(null);
        int shipped = 0;
        while (shipped < done.length && done[shipped]) {
            shipped++;
        }
        assertThat(shipped).as("some but not all documents shipped").isBetween(1, docs.size() - 1);

        CorpusEngine after = engine(dir, new PendingSink());
        for (int i = 0; i < docs.size(); i++) {
            CorpusEngine.Outcome replay = after.ingest(
                            PipelineDocument.ofText("d" + i, null, docs.get(i)), Receipt.NONE)
                    .join();
            if (i < shipped) {
                assertThat(replay.kept())
                        .as("document %d was shipped: its replay is a duplicate", i)
                        .isFalse();
                assertThat(replay.droppedBy()).isEqualTo("exact_dedup");
            } else {
                assertThat(replay.kept())
                        .as("document %d never shipped: its replay is new", i)
                        .isTrue();
            }
        }
        assertThat(Arrays.copyOfRange(done, shipped, done.length)).containsOnly(false);
    }
}
