package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TitleMatchTest {
    @Test
    void theHeadlineRepeatsTheTitleWithoutTheSiteName() {
        assertThat(TitleMatch.duplicates(
                        "Obama admits US gun laws are his 'biggest frustration' - BBC News",
                        "Obama admits US gun laws are his \u2018biggest frustration\u2019"))
                .isTrue();
        assertThat(TitleMatch.duplicates("Hermitian matrix - Wikipedia", "Hermitian matrix"))
                .isTrue();
    }

    @Test
    void aSectionHeadingThatSharesSomeWordsDoesNot() {
        assertThat(TitleMatch.duplicates("Hermitian matrix - Wikipedia", "Properties of the Hermitian matrix"))
                .isFalse();
        assertThat(TitleMatch.duplicates("", "Anything")).isFalse();
        assertThat(TitleMatch.duplicates("Harbour gates approved", "")).isFalse();
    }
}
