package dev.kiln.tokenizer.bench;

import dev.kiln.tokenizer.BpeTrainer;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.TestCorpora;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Time to train a 32K vocabulary on 20 MB of Europarl with 2 counting threads (single shot). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainBenchmark {
    private List<String> docs;

    @Setup(Level.Trial)
    public void setUp() {
        docs = new ArrayList<>();
        long bytes = 0;
        // all of Europarl is about 20 MB of UTF-8; take up to that
        for (String d : TestCorpora.europarl()) {
            if (bytes >= 20_000_000) {
                break;
            }
            docs.add(d);
            bytes += d.getBytes(StandardCharsets.UTF_8).length;
        }
        System.out.println("\ntraining corpus: " + docs.size() + " documents, " + bytes + " bytes");
    }

    @Benchmark
    public Encoding train32k() {
        return BpeTrainer.train(
                docs, BpeTrainer.Options.defaults("bench", 32_768).withThreads(2));
    }
}
