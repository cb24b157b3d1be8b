package dev.kiln.corpus.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file ingest loop behind IngestWarc and IngestJsonl, without the service. */
class FileIngestTest {

    /** One id per character: enough to pack shards, no tokenizer needed. */
    private static final BatchTokenizer CHARS = new BatchTokenizer() {
        @Override
        public EncodingSpec encoding() {
            return new EncodingSpec("chars", 1 << 16, 0);
        }

        @Override
        public List<int[]> tokenize(List<String> texts) {
            return texts.stream()
                    .map(t -> t.chars().map(c -> 1 + c % 65_000).toArray())
                    .toList();
        }
    };

    private final List<CompletableFuture<Void>> shipped = new ArrayList<>();

    private CorpusEngine engine(Path dir) {
        PipelineConfig config = PipelineConfig.defaults()
                .withSteps(List.of("exact_dedup"))
                .withDedup(PipelineConfig.Dedup.defaults().withDirectory(dir.resolve("dedup")));
        ShardWriter writer = new ShardWriter(
                CHARS,
                (shard, continued, marks) -> {
                    CompletableFuture<Void> ack = CompletableFuture.completedFuture(null);
                    shipped.add(ack);
                    return ack;
                },
                "test",
                64,
                4,
                1 << 20);
        return new CorpusEngine(Pipelines.build(config), writer, CHARS, new DocumentLimits(1 << 20));
    }

    private static Path jsonl(Path dir, int documents) throws Exception {
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        StringBuilder lines = new StringBuilder();
        String[] topics = {"rivers", "bridges", "orchards", "lighthouses", "glaciers", "markets", "harbours"};
        for (int i = 0; i < documents; i++) {
            // Distinct words, not numbers: exact dedup normalizes digits away.
            lines.append("{\"id\":\"d" + i + "\",\"text\":\"a document about " + topics[i] + " and nothing else\"}\n");
        }
        lines.append("not json\n");
        Files.writeString(inputs.resolve("part-0.jsonl"), lines);
        return inputs;
    }

    @Test
    void readsADirectoryCountingReaderSkipsWithPipelineDrops(@TempDir Path dir) throws Exception {
        Path inputs = jsonl(dir, 5);
        Optional<FileIngest.Result> result =
                engine(dir).ingestFile(FileIngest.Format.JSONL, inputs, 0, () -> false, p -> {});

        assertThat(result).isPresent();
        IngestTally.Summary summary = result.get().summary();
        assertThat(summary.documentsReceived()).isEqualTo(6);
        assertThat(summary.documentsKept()).isEqualTo(5);
        assertThat(summary.documentsDropped()).isEqualTo(1);
        assertThat(summary.droppedByReason()).containsExactlyEntriesOf(java.util.Map.of("read/bad_json", 1L));
        assertThat(summary.tokens()).isPositive();
        FileIngest.Progress last = result.get().progress();
        assertThat(last.recordsRead()).isEqualTo(6);
        assertThat(last.bytesRead()).isEqualTo(Files.size(inputs.resolve("part-0.jsonl")));
        assertThat(last.bytesTotal()).as("a directory has no known total").isZero();
        assertThat(shipped).as("the writer was flushed").isNotEmpty();
    }

    @Test
    void stopsAtTheLimitAndReturnsNothingWhenCancelled(@TempDir Path dir) throws Exception {
        Path inputs = jsonl(dir, 5);
        CorpusEngine engine = engine(dir);

        FileIngest.Result limited = engine.ingestFile(FileIngest.Format.JSONL, inputs, 2, () -> false, p -> {})
                .orElseThrow();
        assertThat(limited.summary().documentsReceived()).isEqualTo(2);

        assertThat(engine.ingestFile(FileIngest.Format.JSONL, inputs, 0, () -> true, p -> {}))
                .isEmpty();
    }

    @Test
    void refusesInputsOfTheWrongKind(@TempDir Path dir) throws Exception {
        CorpusEngine engine = engine(dir);
        Path notes = Files.writeString(dir.resolve("notes.txt"), "hello");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> engine.ingestFile(FileIngest.Format.WARC, notes, 0, () -> false, p -> {}))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("is not a .warc or .warc.gz file");
        assertThatThrownBy(() -> engine.ingestFile(FileIngest.Format.JSONL, empty, 0, () -> false, p -> {}))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("holds no .jsonl or .jsonl.gz file");
    }

    @Test
    void aMissingInputIsNotFound(@TempDir Path dir) throws Exception {
        CorpusEngine engine = engine(dir);
        Path missing = dir.resolve("missing.warc");

        assertThatThrownBy(() -> engine.ingestFile(FileIngest.Format.WARC, missing, 0, () -> false, p -> {}))
                .isInstanceOf(InputNotFoundException.class)
                .hasMessage(missing + " does not exist on the corpus server");
    }
}
