package dev.kiln.inference.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    @Test
    void holdsBackAPossibleStopPrefixAndNeverEmitsTheStop() {
        StopMatcher m = new StopMatcher(List.of("\nUser:"));
        assertThat(m.push("Hello")).isEqualTo("Hello");
        assertThat(m.push(" there\n")).isEqualTo(" there");
        assertThat(m.push("Us")).isEmpty();
        assertThat(m.push("er: hi")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.push("more")).isEmpty();
    }

    @Test
    void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
        StopMatcher m = new StopMatcher(List.of("STOP", "xyz"));
        assertThat(m.push("abcST")).isEqualTo("abc");
        assertThat(m.push("ART")).isEqualTo("START");
        assertThat(m.push("x")).isEmpty();
        assertThat(m.flush()).isEqualTo("x");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void theEarliestStopWins() {
        StopMatcher m = new StopMatcher(List.of("bc", "ab"));
        assertThat(m.push("xxabc")).isEqualTo("xx");
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void withoutStopsEverythingPassesThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.push("a\nUser:")).isEqualTo("a\nUser:");
    }
}
