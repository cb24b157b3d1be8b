package dev.kiln.tokenizer.bench;

import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Retained heap of a loaded encoding: used heap after full GCs, before and after loading it. */
public final class HeapFootprint {
    private HeapFootprint() {}

    public static void main(String[] args) throws Exception {
        String[] names = args.length > 0 ? args : new String[] {"o200k_base", "cl100k_base"};
        for (String name : names) {
            long before = settledUsedHeap();
            Encoding e = new EncodingRegistry().get(name);
            e.encode("warm the per-thread buffers too");
            long after = settledUsedHeap();
            System.out.printf(
                    "%s: %,d tokens, retained heap %.1f MiB%n",
                    name, e.ranks().size(), (after - before) / (1024.0 * 1024.0));
            if (e.vocabularySize() < 0) {
                System.out.println(e); // keep e reachable until after the measurement
            }
        }
    }

    private static long settledUsedHeap() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
