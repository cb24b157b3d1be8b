package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Related-link, teaser and comment sections, post metadata and pleas inside the article's own
 * container. Sites put "More on this", "Read more", "Explore further" or "Comments" sections inside the
 * element that holds the article, often without a class name that says so; what does say so is the
 * section's title, a short line in the page's language (Trafilatura and boilerpipe cut the same
 * sections, by XPath names and by a terminating-block list). A teaser box's title and the links and
 * short lines after it go, up to the next paragraph of prose; a comment section's title, once it follows
 * most of the article, goes with everything after it. Lines that open with a post-metadata phrase
 * ("This entry was posted in", "Filed under", "Foto:") and short blocks with a subscription or
 * follow-us plea go wherever they stand.
 */
final class ArticleTail {
    private ArticleTail() {}

    /** Titles of the comment sections that end an article (lower case, no punctuation at either end). */
    private static final Set<String> COMMENT_TITLES = Set.of(
            "leave a reply",
            "leave a comment",
            "post a comment",
            "comments",
            "responses",
            "kommentare",
            "kommentar schreiben",
            "kommentare schreiben",
            "schreibe einen kommentar",
            "hinterlasse einen kommentar",
            "commentaires",
            "laisser un commentaire",
            "commenti",
            "lascia un commento",
            "comentarios",
            "deja un comentario",
            "reacties",
            "komentarze");
    /**
     * Titles of related-link and teaser boxes ("More on this", "Read more", "Lee también"), which sites
     * drop after an article and into its middle alike: the box goes, up to the next paragraph of prose.
     */
    private static final Set<String> TEASER_TITLES = Set.of(
            "read more",
            "read next",
            "lire aussi",
            "à lire aussi",
            "a lire aussi",
            "leggi anche",
            "lee también",
            "schon gelesen",
            "weiterlesen",
            "zum weiterlesen",
            "lesen sie auch",
            "lesen sie mehr",
            "auch interessant",
            "lees ook",
            "czytaj także",
            "czytaj też",
            "zobacz także",
            "zobacz też",
            "related",
            "related articles",
            "related posts",
            "related stories",
            "related content",
            "related links",
            "related topics",
            "more on this",
            "more on this story",
            "more on this topic",
            "more stories",
            "more from",
            "more news",
            "recommended",
            "recommended for you",
            "you may also like",
            "you might also like",
            "you may be interested in",
            "explore further",
            "most read",
            "most popular",
            "trending",
            "trending now",
            "mehr zum thema",
            "weitere artikel",
            "weitere beiträge",
            "ähnliche beiträge",
            "ähnliche artikel",
            "verwandte artikel",
            "verwandte beiträge",
            "das könnte sie auch interessieren",
            "das könnte dich auch interessieren",
            "meistgelesen",
            "aktuelle berichte aus dieser kategorie",
            "vorschau auf den nächsten artikel",
            "sur le même sujet",
            "articles les plus lus",
            "les plus lus",
            "articles similaires",
            "articoli correlati",
            "potrebbe interessarti anche",
            "te puede interesar",
            "noticias relacionadas",
            "artículos relacionados",
            "neueste artikel",
            "neueste beiträge",
            "empfohlene beiträge",
            "empfohlene artikel",
            "weitere themen",
            "weitere nachrichten",
            "meist diskutiert",
            "meist-diskutiert",
            "meistgelesene artikel",
            "gerelateerde artikelen",
            "polecane");
    /**
     * Whole lines that label an ad slot or are a share bar's buttons, left as text where the slot or
     * bar has no telling class: "Advertisement", "- Anzeige -", "Teilen:", "Share".
     */
    private static final Set<String> LABELS = Set.of(
            "advertisement",
            "advertising",
            "ad",
            "sponsored",
            "sponsored content",
            "paid content",
            "anzeige",
            "werbung",
            "publicité",
            "publicidad",
            "pubblicità",
            "publicidade",
            "reklama",
            "share",
            "share this",
            "share this article",
            "share on facebook",
            "share on twitter",
            "tweet",
            "print",
            "teilen",
            "artikel teilen",
            "beitrag teilen",
            "drucken",
            "partager",
            "compartir",
            "condividi");
    /** Openings of short section titles: "Mehr zu Wärmepumpen", "More from the BBC". */
    private static final String[] SECTION_OPENINGS = {"mehr zu ", "mehr von ", "more from ", "more about ", "plus de "};
    /** Subscription, app and follow-us pleas, wherever they stand in a block of at most MAX_PLEA_WORDS. */
    private static final String[] PLEAS = {
        "already a subscriber",
        "please subscribe",
        "subscribe now",
        "subscribe today",
        "subscribe to our",
        "sign up for our",
        "follow us on",
        "for the latest stories",
        "breaking news updates",
        "submit your letter",
        "jetzt abonnieren",
        "newsletter abonnieren",
        "abonnez-vous",
        "hazte miembro",
        "suscríbete"
    };

    /** Openings of post metadata lines: categories, tags, photo credits, last-modified stamps. */
    private static final String[] META_OPENINGS = {
        "this entry was posted",
        "this entry was filed",
        "posted in ",
        "filed under",
        "tagged with",
        "tags:",
        "dieser eintrag wurde veröffentlicht",
        "veröffentlicht in ",
        "abgelegt unter",
        "kategorie:",
        "kategorien:",
        "schlagwörter:",
        "schlagworte:",
        "foto:",
        "fotos:",
        "bild:",
        "bildquelle:",
        "credit:",
        "credits:",
        "photo:",
        "photo credit",
        "image credit",
        "crédits photos",
        "crédit photo",
        "ultima modifica",
        "publié dans",
        "classé dans",
        "aktualisiert am",
        "zuletzt aktualisiert",
        "erschienen in",
        "last updated",
        "publikacja:",
        "opublikowano",
        "źródło:"
    };

    /**
     * Photo credits anywhere in a caption-length block: "… | © Augusta National/Getty Images",
     * "Roman Prymula, photo: Archives", "Titelbild: … /picture-alliance".
     */
    private static final String[] CREDITS = {
        "\u00a9",
        "getty images",
        "photo:",
        "image:",
        "credit:",
        "bildrechte:",
        "bildquelle:",
        "titelbild:",
        "beitragsbild:"
    };

    /**
     * An author's note after the article: a name, then "is a … reporter / Redakteurin / journaliste":
     * "Erin Cunningham is an Egypt-based correspondent for The Post."
     */
    private static final Pattern AUTHOR_BIO = Pattern.compile(
            "^(\\p{Lu}[\\p{L}.'’-]* ){1,4}(is|was|ist|war|est|es|è) (a |an |ein |eine |un |une |una |uno |der |die |le |la |el |il )?"
                    + "(\\S+ ){0,3}(writer|reporter|editor|journalist|correspondent|contributor|columnist|author|blogger|"
                    + "photographer|producer|critic|redakteur|redakteurin|journalistin|autor|autorin|korrespondent|"
                    + "korrespondentin|journaliste|rédacteur|rédactrice|periodista|redactor|redactora|giornalista)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /** Word limits: a section title, a post metadata line, a caption, a block judged by its plea; prose from. */
    private static final int MAX_TITLE_WORDS = 6,
            MAX_META_WORDS = 20,
            MAX_CAPTION_WORDS = 30,
            MAX_PLEA_WORDS = 40,
            MAX_BIO_WORDS = 80,
            MIN_PROSE_WORDS = 25;
    /** Share of link text from which a short block is a link line (the step's limit is for all blocks). */
    private static final double MAX_SHORT_LINK_DENSITY = 0.3;
    /** Comments start only after this share of the kept text: a title near the top opens the article. */
    private static final double MIN_ARTICLE_SHARE = 0.5;

    /** Unkeeps teaser boxes, post metadata lines, pleas and, from its title on, the comment section. */
    static void cut(List<Block> blocks, boolean[] keep) {
        long total = 0;
        for (int k = 0; k < keep.length; k++)
            if (keep[k]) total += blocks.get(k).length();
        // the article's prose spans these blocks; link lines outside the span are its head and tail
        int firstProse = -1, lastProse = -1;
        for (int k = 0; k < keep.length; k++)
            if (keep[k] && prose(blocks.get(k))) {
                if (firstProse < 0) firstProse = k;
                lastProse = k;
            }
        long before = 0;
        for (int k = 0; k < keep.length; k++) {
            if (!keep[k]) continue;
            Block b = blocks.get(k);
            int words = words(b.text());
            if (words <= MAX_TITLE_WORDS) {
                String title = title(b.text());
                if (before >= MIN_ARTICLE_SHARE * total && commentTitle(title)) {
                    for (int j = k; j < keep.length; j++) keep[j] = false;
                    return;
                }
                if (LABELS.contains(title)) {
                    keep[k] = false;
                    continue;
                }
                if (teaserTitle(title)) {
                    keep[k] = false;
                    // up to the next prose, or the comment section's title, which the next turn judges
                    for (int j = k + 1; j < keep.length && !prose(blocks.get(j)) && !commentTitle(blocks.get(j)); j++)
                        keep[j] = false;
                    continue;
                }
            }
            if (words <= MAX_META_WORDS && metaLine(b.text())
                    || words <= MAX_PLEA_WORDS && plea(b.text())
                    || words <= MAX_CAPTION_WORDS && credit(b.text())
                    || words <= Dateline.MAX_WORDS && Dateline.isDateline(b.text())
                    || Dateline.isByline(b.text(), b.heading())
                    || (k < firstProse || k > lastProse) && linkDense(b, words)
                    || words <= MAX_BIO_WORDS
                            && before >= MIN_ARTICLE_SHARE * total
                            && AUTHOR_BIO.matcher(b.text()).find()) keep[k] = false;
            before += b.length();
        }
    }

    /**
     * A short block that is mostly link text and not a list item: a "read more at", "follow us on"
     * or "see also" line, the way jusText marks link-dense blocks bad. Judged only before the
     * article's first paragraph of prose and after its last: between them a sentence with links is
     * the article's own (a film review's "streaming on Netflix and Hulu"). Lists of links stay: in the
     * article's container they are its references and further reading.
     */
    private static boolean linkDense(Block b, int words) {
        return !b.listItem() && words < MIN_PROSE_WORDS && b.linkChars() >= MAX_SHORT_LINK_DENSITY * b.length();
    }

    /** A paragraph of the article: enough words, few of them links. */
    private static boolean prose(Block b) {
        return words(b.text()) >= MIN_PROSE_WORDS && b.linkChars() < 0.2 * b.length();
    }

    /** A short line as a title: lower case, single spaces, no leading or trailing punctuation. */
    static String title(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && !Character.isLetterOrDigit(t.charAt(end - 1))) end--;
        int start = 0;
        while (start < end && !Character.isLetterOrDigit(t.charAt(start))) start++;
        return t.substring(start, end).replaceAll("\\s+", " ");
    }

    static boolean commentTitle(String t) {
        if (COMMENT_TITLES.contains(t)) return true;
        // "14 comments", "3 Kommentare", "Comments (2)"
        String noCount = t.replaceAll("\\d+", "").replaceAll("[()]", "").strip();
        return !noCount.equals(t) && COMMENT_TITLES.contains(noCount);
    }

    private static boolean commentTitle(Block b) {
        return words(b.text()) <= MAX_TITLE_WORDS && commentTitle(title(b.text()));
    }

    static boolean teaserTitle(String t) {
        if (TEASER_TITLES.contains(t)) return true;
        for (String p : SECTION_OPENINGS) if (t.startsWith(p)) return true;
        return false;
    }

    static boolean plea(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (String p : PLEAS) if (t.contains(p)) return true;
        return false;
    }

    static boolean credit(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (String c : CREDITS) if (t.contains(c)) return true;
        return false;
    }

    static boolean metaLine(String text) {
        String t = text.stripLeading().toLowerCase(Locale.ROOT);
        int start = 0; // "(Credit: …)", "[Foto: …]"
        while (start < t.length() && (t.charAt(start) == '(' || t.charAt(start) == '[')) start++;
        t = t.substring(start);
        for (String p : META_OPENINGS) if (t.startsWith(p)) return true;
        return false;
    }

    private static int words(String s) {
        int w = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !in) w++;
            in = !ws;
        }
        return w;
    }
}
