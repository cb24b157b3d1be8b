package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TitleMatchTest {
    @Test
    void theHeadlineRepeatsTheTitleWithoutTheSiteName() {
        assertThat(new TitleMatch("Obama admits US gun laws are his 'biggest frustration' - BBC News")
                        .duplicatedBy("Obama admits US gun laws are his \u2018biggest frustration\u2019"))
                .isTrue();
        assertThat(new TitleMatch("Hermitian matrix - Wikipedia").duplicatedBy("Hermitian matrix"))
                .isTrue();
    }

    @Test
    void aSectionHeadingThatSharesSomeWordsDoesNot() {
        assertThat(new TitleMatch("Hermitian matrix - Wikipedia").duplicatedBy("Properties of the Hermitian matrix"))
                .isFalse();
        assertThat(new TitleMatch("").duplicatedBy("Anything")).isFalse();
        assertThat(new TitleMatch("Harbour gates approved").duplicatedBy("")).isFalse();
    }
}
