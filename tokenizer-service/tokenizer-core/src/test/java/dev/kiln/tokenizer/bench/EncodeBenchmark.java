package dev.kiln.tokenizer.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-threaded encode throughput, Kiln vs jtokkit, on the same documents. One op encodes about
 * {@link BenchCorpus#BYTES} bytes of Europarl document by document (encodeOrdinary on both sides);
 * MB/s = ops/s × the byte count printed at setup (bench/tokenizer.sh does the arithmetic).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class EncodeBenchmark {
    @Param({"cl100k_base", "o200k_base"})
    public String encoding;

    @Param({"english", "europarl"})
    public String corpus;

    private String[] docs;
    private Encoding kiln;
    private com.knuddels.jtokkit.api.Encoding jtokkit;

    @Setup(Level.Trial)
    public void setUp() {
        docs = BenchCorpus.documents(corpus);
        kiln = EncodingRegistry.getDefault().get(encoding);
        jtokkit = Encodings.newDefaultEncodingRegistry()
                .getEncoding(EncodingType.fromName(encoding).orElseThrow());
        System.out.println(
                "\ncorpus " + corpus + ": " + docs.length + " documents, " + BenchCorpus.utf8Bytes(docs) + " bytes");
    }

    @Benchmark
    public void kiln(Blackhole bh) {
        for (String d : docs) {
            bh.consume(kiln.encodeOrdinary(d));
        }
    }

    @Benchmark
    public void jtokkit(Blackhole bh) {
        for (String d : docs) {
            bh.consume(jtokkit.encodeOrdinary(d));
        }
    }
}
