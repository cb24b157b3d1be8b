package dev.kiln.inference.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
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
}
