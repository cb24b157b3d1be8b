package dev.kiln.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourceNamesTest {

    @Test
    void acceptsTheNamesKilnWrites() {
        assertThat(ResourceNames.isValid("europarl-4k")).isTrue();
        assertThat(ResourceNames.isValid("gpt2_small.v1")).isTrue();
        assertThat(ResourceNames.isValid("a".repeat(64))).isTrue();
    }

    @Test
    void refusesPathsDotsOptionsAndOverlongNames() {
        for (String bad :
                new String[] {"", ".", "..", "../x", "a/b", "a\\b", "-rf", ".hidden", "a b", "é", "a".repeat(65)}) {
            assertThat(ResourceNames.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> ResourceNames.require("run name", "../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run name '../etc' is not a valid name");
        assertThatThrownBy(() -> ResourceNames.require("model", "")).hasMessage("model is required");
    }
}
