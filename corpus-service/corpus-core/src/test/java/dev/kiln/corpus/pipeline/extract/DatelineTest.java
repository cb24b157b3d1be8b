package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatelineTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "Aktualisiert: 11.04.2020, 10:27",
                "Publiziert: 03.04.2020, 12:35",
                "Sara Zinnecker Stand: 05. Februar 2020",
                "Veröffentlicht am 12. Juni 2017 von gizzmo",
                "Published March 3, 2021 at 9:05 pm",
                "Pubblicato il 19 Febbraio 2020 Ultima modifica 19 Febbraio 2020 12:02",
                "- opublikowano: 2021-04-29 17:13",
                "December 18, 2020",
                "14/01/2020",
                "Tuesday 15 October 2019 by Bradley M. Kuhn",
                "BEVERLY HILLS, Calif., Jan. 8, 2008", // a news agency's dateline: a place in capitals
                "River Press Agency - January 10, 2008 3:23 PM ET" // a day and a time of day
            })
    void aDateWithStampWordsAndANameIsADateline(String line) {
        assertThat(Dateline.isDateline(line)).as(line).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Termin: 29.02.2020, 19 Uhr", // an event's date is content
                "Einsendeschluss: 03.11.2019 (Poststempel)",
                "— Hertha BSC (@HerthaBSC) June 1, 2017", // a quoted tweet's attribution
                "Am 5. November 2021 wird sie 100 Jahre alt. Herzlichen Glückwunsch.",
                "- ab 1. Januar 2024 für Substitute für Tabakwaren.",
                "Tel. +81 158-23-2012", // a phone number is not a date
                "Posted by the editors", // no date at all
                "Oktober 2015", // a month is a period, not a stamp
                "The ferry leaves at 10:15 from the north pier, weather permitting.",
                "Mill Street Fair, Jan. 8, 2008" // an event's name and date, no place in capitals
            })
    void proseThatMentionsADateIsNot(String line) {
        assertThat(Dateline.isDateline(line)).as(line).isFalse();
    }

    @Test
    void aByWordAndCapitalisedNamesIsAByline() {
        assertThat(Dateline.isByline("By Ines Okafor", false)).isTrue();
        assertThat(Dateline.isByline("Von Gregory Lipinski und Anna Berg", false))
                .isTrue();
        assertThat(Dateline.isByline("Text: Klausmartin Friedrich", false)).isTrue();
        assertThat(Dateline.isByline("by Hasan Oduya in Mombasa", false)).isTrue(); // with the place
    }

    @Test
    void aHeadingACapitalLineOrASentenceIsNotAByline() {
        assertThat(Dateline.isByline("Von Risiken und Nebenwirkungen", true)).isFalse(); // a German heading
        assertThat(Dateline.isByline("POR ESO INFORMAR ES", false)).isFalse();
        assertThat(Dateline.isByline("By the end of the week the gates were shut", false))
                .isFalse();
        assertThat(Dateline.isByline("Okafor", false)).isFalse();
    }
}
