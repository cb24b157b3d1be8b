package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentencesTest {
    @Test
    void aFullStopQuestionOrExclamationEndsASentencePastClosingQuotesAndBrackets() {
        assertThat(Sentences.endsWhole("The gates opened on Tuesday.")).isTrue();
        assertThat(Sentences.endsWhole("Will the barges pass?")).isTrue();
        assertThat(Sentences.endsWhole("He said: “They held!”")).isTrue();
        assertThat(Sentences.endsWhole("(It was the third try.)")).isTrue();
        assertThat(Sentences.endsWhole("水门周二开启。")).isTrue();
    }

    @Test
    void aCutOffBlurbOrAnUnfinishedLineDoesNot() {
        assertThat(Sentences.endsWhole("The gates opened on Tuesday after three years of …"))
                .isFalse();
        assertThat(Sentences.endsWhole("The gates opened on Tuesday after three years of..."))
                .isFalse();
        assertThat(Sentences.endsWhole("Read more about the flood gates")).isFalse();
        assertThat(Sentences.endsWhole("He said “yes”")).isFalse();
        assertThat(Sentences.endsWhole("")).isFalse();
    }
}
