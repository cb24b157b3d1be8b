package dev.kiln.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One Encoding shared by many threads (pooled workspaces) gives the same ids as one thread. */
class ConcurrentEncodingTest {

    @Test
    void sharedEncodingIsThreadSafe() throws Exception {
        Encoding enc = EncodingRegistry.getDefault().get("o200k_base");
        List<String> docs = TestCorpora.europarl().subList(0, 150);
        List<int[]> expected = docs.stream().map(enc::encodeOrdinary).toList();
        // more tasks than pool slots, mixing plain, offset and huge-piece calls that resize scratch buffers
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                final int task = t;
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int i = 0; i < docs.size(); i++) {
                        int k = (i + task * 37) % docs.size();
                        if (k % 50 == 0) {
                            String big = "z".repeat(50_000);
                            ok &= enc.decode(enc.encodeOrdinary(big)).equals(big);
                        }
                        int[] ids = k % 3 == 0
                                ? enc.encodeWithOffsets(docs.get(k), SpecialTokenPolicy.disallowAll())
                                        .ids()
                                : enc.encodeOrdinary(docs.get(k));
                        ok &= java.util.Arrays.equals(ids, expected.get(k));
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
