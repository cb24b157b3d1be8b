package dev.kiln.corpus.pipeline.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A dateline or a byline left in the article's container without a class name that says so: a short
 * block made of a date or time and nothing but words that stamp a post ("Aktualisiert: 11.04.2020,
 * 10:27", "Published March 3, 2021", "Sara Zinnecker Stand: 05. Februar 2020", "Veröffentlicht am 12.
 * Juni 2017 von gizzmo"). Told apart from prose that mentions a date by what is left once the date,
 * the time and the stamp words are taken out: at most {@link #MAX_REST} words (an author's name), and
 * when anything is left, a stamp word must be there to say what the date is ("Termin: 29.02.2020"
 * is an event's date, content; a tweet's "— Name (@handle) June 1, 2017" is its attribution).
 * Readability and Trafilatura drop the same lines through class names ("byline", "date", "meta");
 * this catches the sites that name nothing.
 */
final class Dateline {
    private Dateline() {}

    /** Longest block judged: a dateline with an author's name and a place. */
    static final int MAX_WORDS = 12;
    /** Words other than the date and the stamp words: an author's name. */
    private static final int MAX_REST = 3;

    /** Words that say a date stamps the post: published, updated, posted, by, on (lower case). */
    private static final Set<String> STAMP_WORDS = Set.of(
            "published",
            "updated",
            "posted",
            "modified",
            "last",
            "first",
            "by",
            "on",
            "at",
            "date",
            "veröffentlicht",
            "aktualisiert",
            "publiziert",
            "erstellt",
            "geändert",
            "zuletzt",
            "stand",
            "datum",
            "von",
            "am",
            "um",
            "publié",
            "publiée",
            "mis",
            "à",
            "jour",
            "le",
            "par",
            "pubblicato",
            "aggiornato",
            "ultima",
            "modifica",
            "il",
            "alle",
            "di",
            "publicado",
            "actualizado",
            "por",
            "el",
            "a",
            "las",
            "opublikowano",
            "aktualizacja",
            "gepubliceerd",
            "bijgewerkt",
            "op",
            "door",
            "om",
            "klo");
    /** Month names and their usual abbreviations in the languages of the evaluation pages. */
    private static final Set<String> MONTHS = Set.of(
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "jan",
            "feb",
            "mar",
            "apr",
            "jun",
            "jul",
            "aug",
            "sep",
            "sept",
            "oct",
            "nov",
            "dec",
            "januar",
            "jänner",
            "februar",
            "märz",
            "mai",
            "juni",
            "juli",
            "oktober",
            "dezember",
            "mär",
            "okt",
            "dez",
            "janvier",
            "février",
            "mars",
            "avril",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
            "janv",
            "févr",
            "avr",
            "juil",
            "déc",
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
            "gennaio",
            "febbraio",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "settembre",
            "ottobre",
            "dicembre",
            "januari",
            "februari",
            "maart",
            "mei",
            "augustus");
    /** Words of a time of day, neutral like the digits they follow. */
    private static final Set<String> CLOCK = Set.of(
            "am", "pm", "uhr", "h", "et", "est", "edt", "pt", "pst", "pdt", "ct", "cst", "cdt", "gmt", "utc", "bst",
            "cet", "cest", "mez", "mesz", "aest", "aedt");
    /** Weekdays, which often open a dateline. */
    private static final Set<String> WEEKDAYS = Set.of(
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "mon",
            "tue",
            "wed",
            "thu",
            "fri",
            "sat",
            "sun",
            "montag",
            "dienstag",
            "mittwoch",
            "donnerstag",
            "freitag",
            "samstag",
            "sonntag",
            "mo",
            "di",
            "mi",
            "do",
            "fr",
            "sa",
            "so",
            "lundi",
            "mardi",
            "mercredi",
            "jeudi",
            "vendredi",
            "samedi",
            "dimanche",
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo");

    /** Is this short block a date or time with nothing but stamp words and a name around it? */
    static boolean isDateline(String text) {
        if (!hasDigit(text)) return false; // most blocks: no date to find
        String[] words = text.toLowerCase(Locale.ROOT).split("[\\s|,;()\\[\\]·•–—]+");
        if (words.length > MAX_WORDS + 1) return false;
        boolean date = false, stamp = false, day = false, clock = false;
        int rest = 0;
        for (int i = 0; i < words.length; i++) {
            String w = strip(words[i]);
            if (w.isEmpty()) continue;
            if (time(w)) date = clock = true;
            else if (numericDate(w)) date = day = true;
            else if (MONTHS.contains(w) && (day(at(words, i - 1)) || day(at(words, i + 1)))) date = day = true;
            else if (number(w) || MONTHS.contains(w) || WEEKDAYS.contains(w) || CLOCK.contains(w)) continue;
            else if (STAMP_WORDS.contains(w)) stamp = true;
            else rest++;
        }
        // a day and a time of day together stamp the line ("Associated Press - January 10, 2008 3:23 PM ET"),
        // and so does a place in capitals before the date, a news agency's dateline ("BEVERLY HILLS, Calif., Jan. 8")
        stamp |= day && clock || placeInCapitals(text);
        return date && (rest == 0 || stamp && rest <= MAX_REST);
    }

    /** Does the line open with a word in capitals ("BEVERLY HILLS, Calif.")? */
    private static boolean placeInCapitals(String text) {
        int i = 0, letters = 0;
        while (i < text.length() && Character.isLetter(text.charAt(i))) {
            if (!Character.isUpperCase(text.charAt(i))) return false;
            letters++;
            i++;
        }
        return letters >= 2;
    }

    /**
     * Does this block carry a calendar date anywhere ("Savage Completes Derby Move (Wednesday January 9
     * 2008)")? A numeric date, or a month's name next to a day of the month.
     */
    static boolean hasDate(String text) {
        if (!hasDigit(text)) return false;
        String[] words = text.toLowerCase(Locale.ROOT).split("[\\s|,;()\\[\\]·•–—]+");
        for (int i = 0; i < words.length; i++) {
            String w = strip(words[i]);
            if (numericDate(w) || MONTHS.contains(w) && (day(at(words, i - 1)) || day(at(words, i + 1)))) return true;
        }
        return false;
    }

    /** Words that open a byline ("By", "Von", "Text:"), lower case without a colon. */
    private static final Set<String> BY_WORDS =
            Set.of("by", "von", "par", "por", "door", "di", "author", "autor", "text");
    /** Words that join authors' names, and their places ("by Hasan Mansoor in Karachi"). */
    private static final Set<String> NAME_JOINS =
            Set.of("and", "und", "&", "et", "y", "e", "en", "i", "with", "mit", "in", "aus", "à", "a", "from");
    /** Longest byline: the opening word and a few names. */
    private static final int MAX_BYLINE_WORDS = 7;

    /**
     * A byline on its own line: "By Ines Okafor", "Von Gregory Lipinski", "Text: Klausmartin
     * Friedrich": a by-word and then only capitalised names (and the words that join them). Not a
     * heading, whose capitalised words are a title's, and not a line in capitals.
     */
    static boolean isByline(String text, boolean heading) {
        if (heading || text.length() > 80 || text.toUpperCase(Locale.ROOT).equals(text)) return false;
        String t = text.startsWith("- ") ? text.substring(2) : text;
        String[] words = t.strip().split("\\s+");
        if (words.length < 2 || words.length > MAX_BYLINE_WORDS) return false;
        String by = words[0].toLowerCase(Locale.ROOT);
        if (by.endsWith(":")) by = by.substring(0, by.length() - 1);
        if (!BY_WORDS.contains(by)) return false;
        for (int i = 1; i < words.length; i++) {
            String w = strip(words[i]);
            if (w.isEmpty() || NAME_JOINS.contains(w.toLowerCase(Locale.ROOT))) continue;
            if (!Character.isUpperCase(w.charAt(0))) return false;
        }
        return true;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isDigit(s.charAt(i))) return true;
        return false;
    }

    private static String at(String[] words, int i) {
        return i < 0 || i >= words.length ? "" : strip(words[i]);
    }

    /** Without punctuation at either end ("12.", "2020:", "„am"). */
    private static String strip(String w) {
        int s = 0, e = w.length();
        while (s < e && !Character.isLetterOrDigit(w.charAt(s))) s++;
        while (e > s && !Character.isLetterOrDigit(w.charAt(e - 1))) e--;
        return w.substring(s, e);
    }

    /** A day of the month next to its name: one or two digits ("März 2014" alone is a period, not a date). */
    private static boolean day(String w) {
        return !w.isEmpty() && w.length() <= 2 && number(w);
    }

    /** A day or a year: one to four digits. */
    private static boolean number(String w) {
        if (w.isEmpty() || w.length() > 4) return false;
        for (int i = 0; i < w.length(); i++) if (!Character.isDigit(w.charAt(i))) return false;
        return true;
    }

    /** 12.04.2020, 12/4/20, 2020-04-12: day, month and year joined by one separator (not a phone number). */
    private static boolean numericDate(String w) {
        return NUMERIC_DATE.matcher(w).matches();
    }

    /** 10:27, 9:05:12, 7:30pm. */
    private static boolean time(String w) {
        return TIME.matcher(w).matches();
    }

    private static final Pattern NUMERIC_DATE =
            Pattern.compile("\\d{1,2}([./-])\\d{1,2}\\1(\\d{2}|\\d{4})|\\d{4}-\\d{1,2}-\\d{1,2}");
    private static final Pattern TIME = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2})?(am|pm|h)?");
}
