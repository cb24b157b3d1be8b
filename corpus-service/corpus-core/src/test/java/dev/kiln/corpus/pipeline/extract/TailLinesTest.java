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

    @Test
    void letterSpacedAndLongerCommentTitlesAreKnown() {
        assertThat(TailLines.title("R E A D E R   C O M M E N T S")).isEqualTo("reader comments");
        assertThat(TailLines.commentTitle(TailLines.title("R E A D E R   C O M M E N T S")))
                .isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("R E L A T E D  C O N T E N T")))
                .isTrue();
        assertThat(TailLines.commentTitle(TailLines.title("Comments are now closed for this story")))
                .isTrue();
        assertThat(TailLines.commentTitle(TailLines.title("Have your say about this article")))
                .isTrue();
        assertThat(TailLines.commentTitle(TailLines.title("Commentators expect a close vote")))
                .isFalse();
        assertThat(TailLines.title("A B C")).isEqualTo("a b c"); // too short to be spaced out
    }

    @Test
    void aCommentStampIsAPostedByLineWithADate() {
        assertThat(TailLines.commentStamp("posted by lover of the beautiful game on january 10, 2008 4:07 pm"))
                .isTrue();
        assertThat(TailLines.commentStamp("posted by the council to every household last week"))
                .isFalse();
    }

    @Test
    void feedbackAndLoginPleasAreKnown() {
        assertThat(TailLines.plea("war der artikel nützlich?")).isTrue();
        assertThat(TailLines.plea("if you enjoyed reading this post, please consider a donation."))
                .isTrue();
        assertThat(TailLines.plea("the council said the article of the law was useful."))
                .isFalse();
        assertThat(TailLines.label(TailLines.title("Mit Freunden teilen"))).isTrue();
    }

    @Test
    void aBlogsResponsesTitleNamesItsCountAndThePost() {
        assertThat(TailLines.responsesTitle("107 Responses to “Alien Surface”")).isTrue();
        assertThat(TailLines.responsesTitle("2 thoughts on “How the new flood gates work”"))
                .isTrue();
        assertThat(TailLines.responsesTitle("One comment on this post")).isTrue();
        assertThat(TailLines.responsesTitle("3 Kommentare zu „Schleusen“")).isTrue();
        assertThat(TailLines.responsesTitle("12 responses were counted")).isFalse();
        assertThat(TailLines.responsesTitle("Responses to the plan were mixed")).isFalse();
        assertThat(TailLines.commentTitle(TailLines.title("Trackback Pings"))).isTrue();
        assertThat(TailLines.commentTitle(TailLines.title("TrackBacks"))).isTrue();
    }

    @Test
    void teaserTitlesAndShareLabelsInSeveralLanguages() {
        assertThat(TailLines.teaserTitle(TailLines.title("Recent Posts"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("TOP HEADLINES"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Lire également :"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Lo más leído"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Читайте также"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Recent floods"))).isFalse();
        assertThat(TailLines.teaserTitle(TailLines.title("More world stories from River News:")))
                .isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Don't miss these Health stories")))
                .isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("More rain expected on Tuesday")))
                .isFalse();
        assertThat(TailLines.plea("a version of this article appeared october 29, 2012, on page b13."))
                .isTrue();
        assertThat(TailLines.label(TailLines.title("Print article"))).isTrue();
        assertThat(TailLines.label(TailLines.title("E-mail to a friend"))).isTrue();
        assertThat(TailLines.label(TailLines.title("Text size"))).isTrue();
    }

    @Test
    void aCommentCounterMakesAMetadataLine() {
        assertThat(TailLines.metaLine("freitag | 14. juni 2019 | 15:49 von anna berg in fashion | 0 comments"))
                .isTrue();
        assertThat(TailLines.metaLine("by laura given · 2 comments")).isTrue();
        assertThat(TailLines.metaLine("am 3. mai · 12 kommentare")).isTrue();
        assertThat(TailLines.metaLine("the 3 commentators on the panel disagreed"))
                .isFalse();
        assertThat(TailLines.metaLine("he made no comments to the press")).isFalse();
    }

    @Test
    void supportFollowAndDisclosurePleas() {
        assertThat(TailLines.plea("follow the river gazette on twitter and instagram @rivergazette"))
                .isTrue();
        assertThat(TailLines.plea("please support our journalism with a subscription"))
                .isTrue();
        assertThat(TailLines.plea("*werbung. dieser beitrag enthält werbung für eine marke."))
                .isTrue();
        assertThat(TailLines.plea("anzeige, enthält affiliate links")).isTrue();
        assertThat(TailLines.plea("follow the river downstream until you reach the mill"))
                .isFalse();
    }

    @Test
    void contactAndFurtherInformationBoxesAreTeaserTitles() {
        assertThat(TailLines.teaserTitle(TailLines.title("Kontakt:"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Media contact"))).isTrue();
        assertThat(TailLines.teaserTitle(TailLines.title("Weitere Informationen")))
                .isTrue();
        assertThat(TailLines.label(TailLines.title("Externer Inhalt"))).isTrue();
    }
}
