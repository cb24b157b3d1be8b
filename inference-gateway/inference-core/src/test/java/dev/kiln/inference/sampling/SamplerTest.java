package dev.kiln.inference.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static final float[] LOGITS = {1f, 3f, 2.9f, -1f, 0.5f, 2f};

    @Test
    void greedyTakesTheArgmax() {
        assertThat(new Sampler(SamplingParams.greedy(), 6).next(LOGITS, 0)).isEqualTo(1);
    }

    @Test
    void repetitionPenaltyAppliesToGreedyToo() {
        Sampler s = new Sampler(new SamplingParams(0f, 0, 1f, 0f, 2f, 0), 6);
        s.observe(1);
        assertThat(s.next(LOGITS, 0)).isEqualTo(2); // 3/2 = 1.5 < 2.9
    }

    @Test
    void topKOneIsGreedy() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(new Sampler(new SamplingParams(1f, 1, 1f, 0f, 1f, seed), 6).next(LOGITS, 0))
                    .isEqualTo(1);
        }
    }

    @Test
    void topPAndMinPCutTheTail() {
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 0, 0.6f, 0f, 1f, seed), 6).next(LOGITS, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2); // 1 and 2 hold > 0.6 of the mass
        seen.clear();
        for (long seed = 0; seed < 300; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 0, 1f, 0.3f, 1f, seed), 6).next(LOGITS, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 5); // e^-1 = 0.37 ≥ 0.3; e^-2.5 < 0.3
    }

    @Test
    void sameSeedSameDrawsAndAllTokensReachable() {
        Sampler a = new Sampler(new SamplingParams(1.5f, 0, 1f, 0f, 1f, 9), 6);
        Sampler b = new Sampler(new SamplingParams(1.5f, 0, 1f, 0f, 1f, 9), 6);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int x = a.next(LOGITS, 0);
            assertThat(b.next(LOGITS, 0)).isEqualTo(x);
            seen.add(x);
        }
        assertThat(seen).hasSize(6);
    }

    @Test
    void rangesAreChecked() {
        assertThatThrownBy(() -> new SamplingParams(2.5f, 0, 1f, 0f, 1f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 0f, 0f, 1f, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 1.5f, 1f, 0)).hasMessageContaining("min_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 0f, 0f, 0)).hasMessageContaining("repetition_penalty");
        assertThatThrownBy(() -> new SamplingParams(Float.NaN, 0, 1f, 0f, 1f, 0))
                .hasMessageContaining("temperature");
    }

    /** Random logits: Gaussian, some peaked, some with ties (quantised), some flat. */
    static float[] logits(Random r, int vocab, int kind) {
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            double g = r.nextGaussian();
            x[i] = switch (kind) {
                case 0 -> (float) g;
                case 1 -> (float) (g * 6);
                case 2 -> Math.round(g * 2) / 2f; // many exact ties
                default -> 0f; // all tied
            };
        }
        return x;
    }

    @Test
    void drawsTheSameTokensAsTheFullSortForEverySeedAndFilter() {
        Random r = new Random(1);
        int[] topKs = {0, 1, 3, 40, 100_000};
        float[] topPs = {1f, 0.95f, 0.9f, 0.5f, 0.01f};
        float[] minPs = {0f, 0.02f, 0.3f};
        int cases = 0;
        for (int vocab : new int[] {7, 300, 5000}) {
            for (int kind = 0; kind < 4; kind++) {
                float[] x = logits(r, vocab, kind);
                for (int k : topKs) {
                    for (float p : topPs) {
                        for (float m : minPs) {
                            float temp = 0.3f + r.nextFloat() * 1.5f;
                            float penalty = r.nextBoolean() ? 1f : 1.3f;
                            SamplingParams params = new SamplingParams(temp, k, p, m, penalty, r.nextLong());
                            Sampler fast = new Sampler(params, vocab);
                            ExactSortSampler exact = new ExactSortSampler(params, vocab);
                            for (int d = 0; d < 8; d++) {
                                int seen = r.nextInt(vocab);
                                fast.observe(seen);
                                exact.observe(seen);
                                assertThat(fast.next(x, 0))
                                        .as("vocab %d kind %d k %d p %s m %s draw %d", vocab, kind, k, p, m, d)
                                        .isEqualTo(exact.next(x, 0));
                            }
                            cases++;
                        }
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(3 * 4 * 5 * 5 * 3);
    }

    /**
     * Logits that put the sampler's buckets and radix steps to work: ties and near-ties (levels
     * 1e-4 apart, far wider than the exp's 3e-7 error, so both samplers order them alike) that
     * share one bucket; all equal; a quarter -inf; peaks over a flat tail.
     */
    static float[] hardLogits(Random r, int vocab, int kind) {
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = switch (kind) {
                // four near-tied levels of thousands of ties each, under a few peaks that widen
                // the range, so the levels share one coarse bucket
                case 0 -> i % 1009 == 0 ? 6f : r.nextInt(4) * 1e-4f;
                case 1 -> r.nextInt(300) * 3e-3f; // 300 levels over a factor of 2.5: ties across buckets
                case 2 -> 1.5f; // all equal
                case 3 -> r.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
                default -> i % 997 == 0 ? 8f + r.nextInt(3) : r.nextInt(50) * 1e-3f; // peaks over a flat tail
            };
        }
        return x;
    }

    @Test
    void drawsTheSameTokensAsTheFullSortOnFlatTiedAndMaskedLogits() {
        Random r = new Random(5);
        int vocab = 40_000; // over the radix threshold: a bucket of ~40K near-ties is narrowed by radix steps
        SamplingParams[] filters = {
            new SamplingParams(1f, 0, 0.9f, 0f, 1f, 0),
            new SamplingParams(1f, 0, 0.999f, 0f, 1f, 0),
            new SamplingParams(1f, 0, 1e-6f, 0f, 1f, 0), // the top token (the first of its ties) alone
            new SamplingParams(1f, 0, 0.5f, 0.9999f, 1f, 0),
            new SamplingParams(1f, 0, 1f, 0.9999f, 1f, 0),
            new SamplingParams(1f, 0, 1f, 0.05f, 1f, 0), // min-p alone passing most tokens: the bucket path
            new SamplingParams(1f, 6000, 1f, 0f, 1f, 0), // top-k alone, cut inside a tied level
            new SamplingParams(1f, 6000, 0.7f, 0f, 1f, 0),
            new SamplingParams(1f, 19_999, 0.95f, 0.5f, 1f, 0),
            new SamplingParams(0.5f, 7, 0.9f, 0f, 1f, 0),
            new SamplingParams(2f, 100, 1e-6f, 0f, 1f, 0),
        };
        int cases = 0;
        for (int kind = 0; kind < 5; kind++) {
            float[] x = hardLogits(r, vocab, kind);
            for (SamplingParams f : filters) {
                SamplingParams params =
                        new SamplingParams(f.temperature(), f.topK(), f.topP(), f.minP(), 1f, r.nextLong());
                Sampler fast = new Sampler(params, vocab);
                ExactSortSampler exact = new ExactSortSampler(params, vocab);
                for (int d = 0; d < 6; d++) {
                    assertThat(fast.next(x, 0))
                            .as("kind %d %s draw %d", kind, params, d)
                            .isEqualTo(exact.next(x, 0));
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(5 * filters.length);
    }

    @Test
    void maskedTokensAreNeverDrawnAndAllEqualLogitsDrawUniformly() {
        int vocab = 9000;
        float[] x = new float[vocab];
        java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vocab; i += 3) {
            x[i] = 0.25f; // every third token, tied
        }
        int[] hits = new int[vocab];
        Sampler s = new Sampler(new SamplingParams(1f, 0, 0.9f, 0f, 1f, 11), vocab);
        for (int d = 0; d < 3000; d++) {
            hits[s.next(x, 0)]++;
        }
        for (int i = 0; i < vocab; i++) {
            if (i % 3 != 0 || i >= 0.9 * vocab) {
                // masked, or beyond the nucleus: 90% of the tied mass is the first 90% of ids
                assertThat(hits[i]).as("token %d", i).isZero();
            }
        }
        long reached = java.util.Arrays.stream(hits).filter(h -> h > 0).count();
        assertThat(reached).isGreaterThan(1500); // 2,700 tokens share 3,000 draws: most are hit
    }

    /** The most likely tokens, probability descending then id ascending, as a full sort orders them. */
    static Integer[] ranked(float[] x) {
        Integer[] ids = new Integer[x.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        java.util.Arrays.sort(ids, (a, b) -> x[a] != x[b] ? Float.compare(x[b], x[a]) : Integer.compare(a, b));
        return ids;
    }

    @Test
    void topKDrawsOnlyFromTheKMostLikelyWithTiesBrokenByTheSmallestId() {
        float[] x = logits(new Random(2), 2000, 2);
        Integer[] rank = ranked(x);
        Set<Integer> allowed = Set.of(rank[0], rank[1], rank[2], rank[3], rank[4]);
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            seen.add(new Sampler(new SamplingParams(2f, 5, 1f, 0f, 1f, seed), 2000).next(x, 0));
        }
        assertThat(allowed).containsAll(seen);
        assertThat(seen).hasSize(5);
        float[] flat = new float[1000];
        seen.clear();
        for (long seed = 0; seed < 200; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 3, 1f, 0f, 1f, seed), 1000).next(flat, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void topPKeepsTheShortestPrefixReachingTheMass() {
        // probabilities 0.5, 0.25, 0.125, ... : top-p 0.7 needs the first two, 0.8 the first three
        int vocab = 20;
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[(i * 7) % vocab] = (float) (-i * Math.log(2));
        }
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 0, 0.7f, 0f, 1f, seed), vocab).next(x, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 7);
        seen.clear();
        for (long seed = 0; seed < 300; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 0, 0.8f, 0f, 1f, seed), vocab).next(x, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 7, 14);
        for (long seed = 0; seed < 50; seed++) { // a tiny top-p keeps the argmax alone
            assertThat(new Sampler(new SamplingParams(1f, 0, 1e-6f, 0f, 1f, seed), vocab).next(x, 0))
                    .isEqualTo(0);
        }
    }

    @Test
    void minPOneKeepsOnlyTheTopTokensAndTheirTies() {
        float[] x = new float[5000];
        x[4999] = 2f;
        x[17] = 2f;
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            seen.add(new Sampler(new SamplingParams(1f, 0, 1f, 1f, 1f, seed), 5000).next(x, 0));
        }
        assertThat(seen).containsExactlyInAnyOrder(17, 4999);
    }
}
