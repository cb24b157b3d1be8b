package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TailLinesTest {
    @Test
    void anAuthorsNoteIsANameThenARole() {
        assertThat(TailLines.authorBio("Erin Cunningham is an Egypt-based correspondent for The Post."))
                .isTrue();
        assertThat(TailLines.authorBio("Mark di Stefano is a breaking news reporter for BuzzFeed News."))
                .isTrue();
        assertThat(TailLines.authorBio("Anna Berg ist Redakteurin im Ressort Wissen."))
                .isTrue();
    }

    @Test
    void aSentenceAboutSomeoneElseIsNotAnAuthorsNote() {
        // lower-case opening words are no name
        assertThat(TailLines.authorBio("sicherlich gibt es viele Fotografen, die sich als Autor sehen"))
                .isFalse();
        assertThat(TailLines.authorBio("The mayor is a former editor of the local paper, and she said so."))
                .isFalse(); // "The mayor" is no name
        assertThat(TailLines.authorBio("Her only mistake was criticizing one of the Kool Kids."))
                .isFalse();
    }

    @Test
    void labelsAndCreditsAreKnownWhateverTheirPunctuation() {
        assertThat(TailLines.label(TailLines.title("- Anzeige -"))).isTrue();
        assertThat(TailLines.label(TailLines.title("Teilen:"))).isTrue();
        assertThat(TailLines.label(TailLines.title("Shared values"))).isFalse();
        assertThat(TailLines.credit("the night boat at the north pier. | © coastal herald"))
                .isTrue();
        assertThat(TailLines.metaLine("(credit: clayton aldern / grist)")).isTrue();
        assertThat(TailLines.replyLabel("Reply")).isTrue();
    }
}
