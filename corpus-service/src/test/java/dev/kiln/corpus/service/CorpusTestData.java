package dev.kiln.corpus.service;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A fresh data directory (dedup state) and input root per test JVM, so reruns start clean. */
public final class CorpusTestData implements QuarkusTestResourceLifecycleManager {

    static Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("kiln-corpus-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "kiln.corpus.data-dir", root.resolve("data").toString(),
                "kiln.corpus.input-roots", root.resolve("inputs").toString(),
                "kiln.corpus.seal-after-idle", "1s",
                "kiln.corpus.shard-tokens", "4096",
                "kiln.corpus.topics.shards", "kiln.test.corpus.shards",
                "kiln.corpus.topics.documents", "kiln.test.corpus.documents");
    }

    @Override
    public void stop() {}
}
