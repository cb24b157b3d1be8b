package dev.kiln.tokenizer.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JMH comparison's companion for a busy machine: the same documents, timed by the encoding thread's
 * CPU time instead of wall time, so other processes competing for the cores inflate the numbers less
 * (cache contention still shows). Best of several rounds after a warm-up.
 */
public final class CpuTimeComparison {
    private CpuTimeComparison() {}

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.out.println("| encoding | corpus | Kiln MB/s | jtokkit MB/s | Kiln / jtokkit |");
        System.out.println("|---|---|---|---|---|");
        for (String name : new String[] {"cl100k_base", "o200k_base"}) {
            Encoding kiln = EncodingRegistry.getDefault().get(name);
            com.knuddels.jtokkit.api.Encoding jtokkit = Encodings.newDefaultEncodingRegistry()
                    .getEncoding(EncodingType.fromName(name).orElseThrow());
            for (String corpus : new String[] {"english", "europarl"}) {
                String[] docs = BenchCorpus.documents(corpus);
                double mb = BenchCorpus.utf8Bytes(docs) / 1e6;
                double bestKiln = 0;
                double bestJtokkit = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    for (String d : docs) {
                        kiln.encodeOrdinary(d);
                    }
                    long t1 = threads.getCurrentThreadCpuTime();
                    for (String d : docs) {
                        jtokkit.encodeOrdinary(d);
                    }
                    long t2 = threads.getCurrentThreadCpuTime();
                    if (r > 0) {
                        bestKiln = Math.max(bestKiln, mb / ((t1 - t0) / 1e9));
                        bestJtokkit = Math.max(bestJtokkit, mb / ((t2 - t1) / 1e9));
                    }
                }
                System.out.printf(
                        "| %s | %s | %.1f | %.1f | %.2f× |%n",
                        name, corpus, bestKiln, bestJtokkit, bestKiln / bestJtokkit);
            }
        }
    }
}
