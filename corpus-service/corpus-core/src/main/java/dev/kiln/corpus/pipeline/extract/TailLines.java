package dev.kiln.corpus.pipeline.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a short line inside the article's container says, whatever its markup: the title of a comment
 * or teaser section, an ad slot's or share button's label, a reply button, a subscription plea, a
 * post-metadata opening, a photo credit, an author's note. {@link ArticleTail} decides from where the
 * line stands what to remove with it. Lower-case phrase lists in the languages of the evaluation pages.
 *
 * <p>Over 400 lines on purpose: most of it is those phrase lists, one per kind of line, kept next to
 * the few short tests that read them; splitting the lists from their tests would spread one concept
 * over two files.
 */
final class TailLines {
    private TailLines() {}

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
            "komentarze",
            "comment now",
            "trackbacks",
            "pingbacks",
            "trackbacks and pingbacks",
            "trackbacks/pingbacks",
            "trackbacks pingbacks");
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
            "polecane",
            "other news",
            "other stories",
            "latest news",
            "top stories",
            "more headlines",
            "related news",
            "related to story",
            "related to this story",
            "in this section",
            "also in the news",
            "most viewed",
            "most emailed",
            "most commented",
            "editor's picks",
            "editors' picks",
            "around the web",
            "from around the web",
            "you may have missed",
            "don't miss",
            "featured jobs",
            "sponsored links",
            "links we like",
            "recent posts",
            "recent articles",
            "recent stories",
            "latest posts",
            "latest stories",
            "latest articles",
            "popular posts",
            "popular stories",
            "top headlines",
            "more top stories",
            "most shared",
            "most watched",
            "trending stories",
            "related videos",
            "related coverage",
            "more coverage",
            "recommended stories",
            "recommended reading",
            "what to read next",
            "up next",
            "more to explore",
            "lesen sie dazu",
            "lesen sie dazu auch",
            "auch lesenswert",
            "das könnte sie interessieren",
            "am meisten gelesen",
            "ähnliche themen",
            "à lire également",
            "lire également",
            "sur le même thème",
            "dans la même rubrique",
            "les plus populaires",
            "les plus partagés",
            "más noticias",
            "lo más leído",
            "lo más visto",
            "también te puede interesar",
            "te recomendamos",
            "noticias recomendadas",
            "ti potrebbe interessare",
            "i più letti",
            "articoli più letti",
            "leia também",
            "veja também",
            "leia mais",
            "mais lidas",
            "notícias relacionadas",
            "meest gelezen",
            "najczęściej czytane",
            "читайте также",
            "по теме",
            "похожие новости",
            "相关新闻",
            "相关阅读",
            "相关文章",
            "weitere informationen",
            "weitere infos",
            "mehr informationen",
            "more information",
            "further information",
            "plus d'informations",
            "más información",
            "kontakt",
            "pressekontakt",
            "ansprechpartner",
            "ansprechpartnerin",
            "contact",
            "media contact",
            "media contacts",
            "press contact",
            "contact presse",
            "contacto",
            "contatti");
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
            "condividi",
            "mit freunden teilen",
            "teilen mit",
            "share with friends",
            "externer inhalt",
            "external content",
            "brought to you by",
            "presented by",
            "print article",
            "print this article",
            "print this page",
            "print this story",
            "printer friendly",
            "printer friendly version",
            "printer-friendly version",
            "email",
            "e-mail",
            "email this",
            "email this article",
            "email this story",
            "e-mail this article",
            "email to a friend",
            "e-mail to a friend",
            "send to a friend",
            "refer to a friend",
            "text size",
            "font size",
            "listen to this article",
            "save article",
            "copy link",
            "artikel drucken",
            "artikel merken",
            "artikel vorlesen",
            "vorlesen",
            "imprimer",
            "imprimir",
            "stampa");
    /** Openings of short section titles: "Mehr zu Wärmepumpen", "More from the BBC". */
    private static final String[] SECTION_OPENINGS = {
        "mehr zu ",
        "mehr von ",
        "more from ",
        "more about ",
        "more in ",
        "plus de ",
        "also on ",
        "also in ",
        "other recent ",
        "don't miss ",
        "do not miss ",
        "most read ",
        "most popular ",
        "latest from ",
        "elsewhere on "
    };
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
        "suscríbete",
        "if you enjoyed",
        "if you liked this",
        "was this article helpful",
        "war der artikel nützlich",
        "war dieser artikel hilfreich",
        "möchten sie den artikel teilen",
        "the following are comments",
        "comments from the readers",
        "you must be logged in to",
        "sie müssen sich einloggen",
        "sie sind aktuell nicht eingeloggt",
        "support our journalism",
        "support independent journalism",
        "support quality journalism",
        "unterstützen sie unsere arbeit",
        "unterstütze unsere arbeit",
        "unabhängigen journalismus unterstützen",
        "jetzt unterstützen",
        "become a member",
        "donate now",
        "folgen sie uns",
        "suivez-nous",
        "síguenos",
        "seguici su",
        "enthält werbung",
        "enthält affiliate",
        "affiliate links",
        "affiliate-links",
        "contains affiliate links",
        "contributed to this article",
        "contributed to this report",
        "contributed to this story",
        "contributed reporting",
        "do you like this post",
        "did you like this post",
        "did you enjoy this",
        "all rights reserved",
        "may not be published, broadcast",
        "alle rechte vorbehalten",
        "tous droits réservés",
        "todos los derechos reservados",
        "tutti i diritti riservati",
        "information for this report was provided",
        "a version of this article appear",
        "a version of this story appear",
        "this article appeared in print",
        "the opinions expressed in this",
        // the lines WordPress's default themes print under every post, one sentence longer than a
        // metadata line ("This entry was posted in … Bookmark the permalink.", "You can follow any
        // responses to this entry through the RSS 2.0 feed.")
        "you can follow any responses to this entry",
        "bookmark the permalink"
    };

    /** Openings of a plea that names an author: "Write to Jane Roe at jane.roe@example.com". */
    private static final String[] PLEA_OPENINGS = {
        "write to ", "email the author", "e-mail the author", "contact the author"
    };

    /**
     * The text of a "read more" link under a teaser's blurb, which leads to the story's own page
     * (lower case, no punctuation at either end: "Continue reading »" is "continue reading").
     */
    private static final Set<String> MORE_LINKS = Set.of(
            "read more",
            "continue reading",
            "keep reading",
            "read the full story",
            "read the full article",
            "learn more",
            "find out more",
            "mehr",
            "mehr erfahren",
            "mehr lesen",
            "weiterlesen",
            "zum artikel",
            "zum beitrag",
            "lire la suite",
            "en savoir plus",
            "lire plus",
            "leer más",
            "seguir leyendo",
            "ver más",
            "leggi tutto",
            "continua a leggere",
            "leggi di più",
            "lees meer",
            "verder lezen",
            "czytaj więcej",
            "czytaj dalej",
            "ler mais",
            "continuar lendo",
            "читать далее",
            "подробнее",
            "阅读全文");

    /** Titles of the author's box after the article: "About the author", "Über die Autorin". */
    private static final Set<String> AUTHOR_BOX_TITLES = Set.of(
            "about the author",
            "about the authors",
            "about the writer",
            "über den autor",
            "über die autorin",
            "über die autoren",
            "zum autor",
            "zur autorin",
            "à propos de l'auteur",
            "à propos de l’auteur",
            "sobre el autor",
            "sobre la autora",
            "sull'autore",
            "l'autore",
            "over de auteur",
            "o autorze");

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
            // the name is case-sensitive (capitalised words and their particles), the rest is not
            "^\\p{Lu}[\\p{L}.'’-]* ((\\p{Lu}[\\p{L}.'’-]*|di|de|da|del|van|von|der|den|du|le|la) ){0,4}(?iu:(is|was|ist|war|est|es|è) "
                    + "(a |an |ein |eine |un |une |una |uno |der |die |le |la |el |il )?(\\S+ ){0,3}"
                    + "(writer|reporter|editor|journalist|correspondent|contributor|columnist|author|blogger|"
                    + "photographer|producer|critic|redakteur|redakteurin|journalistin|autor|autorin|korrespondent|"
                    + "korrespondentin|journaliste|rédacteur|rédactrice|periodista|redactor|redactora|giornalista))\\b");

    /**
     * Openings of longer comment-section titles: "Comments are now closed for this story", "Have your
     * say about this article", "Write your own comment:", "R E A D E R C O M M E N T S".
     */
    private static final String[] COMMENT_OPENINGS = {
        "comments are closed",
        "comments are now closed",
        "comments for this",
        "comments on this",
        "comment on this",
        "have your say",
        "reader comments",
        "readers comments",
        "readers' comments",
        "readers’ comments",
        "your comments",
        "add a comment",
        "add your comment",
        "add new comment",
        "write a comment",
        "write your own comment",
        "post your comment",
        "leave your comment",
        "join the discussion",
        "join the conversation",
        "discuss this",
        "what you think",
        "what do you think",
        "kommentare zu",
        "kommentar verfassen",
        "ihre meinung",
        "diskutieren sie",
        "réagissez",
        "vos commentaires",
        "votre avis",
        "deja tu comentario",
        "tu opinión",
        "i vostri commenti",
        "trackback",
        "pingback"
    };

    /**
     * What follows the count in a blog's comment-section title that names the post: "107 Responses to
     * “Alien Surface”", "2 thoughts on “…”", "One comment on …", "3 Kommentare zu …", "4 réponses à …".
     */
    private static final String[] RESPONSES_OPENINGS = {
        "responses to ",
        "response to ",
        "replies to ",
        "reply to ",
        "comments on ",
        "comment on ",
        "comments to ",
        "thoughts on ",
        "thought on ",
        "kommentare zu ",
        "kommentar zu ",
        "gedanken zu ",
        "antworten zu ",
        "réponses à ",
        "réponse à ",
        "commentaires sur ",
        "commentaire sur ",
        "respuestas a ",
        "comentarios en ",
        "comentarios sobre ",
        "risposte a ",
        "commenti su ",
        "reacties op ",
        "komentarzy do ",
        "komentarze do "
    };

    /** The count a responses title opens with, written as a word. */
    private static final String[] ONE = {"one ", "ein ", "eine ", "un ", "une ", "una ", "uno ", "één "};

    /** Openings of a comment's stamp: "Posted by Lover of The Beautiful Game on January 10, 2008 4:07 PM". */
    private static final String[] COMMENT_STAMP_OPENINGS = {
        "posted by ",
        "written by ",
        "submitted by ",
        "comment by ",
        "commented by ",
        "geschrieben von ",
        "posté par ",
        "écrit par ",
        "scritto da ",
        "enviado por "
    };

    /** A comment's reply button, left as text. */
    private static final Set<String> REPLY_LABELS =
            Set.of("reply", "antworten", "beantworten", "répondre", "responder", "rispondi", "odpowiedz", "reageer");
    /**
     * A short line as a title: lower case, single spaces, no leading or trailing punctuation; a title
     * set letter by letter ("R E L A T E D &nbsp; C O N T E N T") is read as its words.
     */
    static String title(String text) {
        String t = plainTitle(text);
        return letterSpaced(t) ? joinLetters(t) : t;
    }

    private static String plainTitle(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && !Character.isLetterOrDigit(t.charAt(end - 1))) end--;
        int start = 0;
        while (start < end && !Character.isLetterOrDigit(t.charAt(start))) start++;
        // single spaces, without a regex: this runs for every short block of every page
        StringBuilder out = new StringBuilder(end - start);
        boolean space = false;
        for (int i = start; i < end; i++) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c)) space = true;
            else {
                if (space) out.append(' ');
                space = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Single letters, each followed by a space, at least four: a title spaced out letter by letter. */
    private static boolean letterSpaced(String t) {
        if (t.length() < 7) return false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (i % 2 == 0 ? !Character.isLetter(c) : c != ' ') return false;
        }
        return true;
    }

    /**
     * The words of a letter-spaced title. The gap between its words is lost once white space is
     * normalised, so the words are found again where a known title word ends: the letters are joined
     * and split before "comments" / "content" / "jobs" / "stories" when they end the title.
     */
    private static String joinLetters(String t) {
        String joined = t.replace(" ", "");
        for (String tail : LETTER_SPACED_TAILS)
            if (joined.endsWith(tail) && joined.length() > tail.length())
                return joined.substring(0, joined.length() - tail.length()) + " " + tail;
        return joined;
    }

    private static final String[] LETTER_SPACED_TAILS = {"comments", "content", "stories", "articles", "news", "jobs"};

    /** Words of a title as {@link #title} gives it: single spaces. */
    static int words(String title) {
        if (title.isEmpty()) return 0;
        int w = 1;
        for (int i = 0; i < title.length(); i++) if (title.charAt(i) == ' ') w++;
        return w;
    }

    static boolean commentTitle(String t) {
        if (COMMENT_TITLES.contains(t)) return true;
        for (String p : COMMENT_OPENINGS) if (t.startsWith(p)) return true;
        // "14 comments", "3 Kommentare", "Comments (2)"
        String noCount = t.replaceAll("\\d+", "").replaceAll("[()]", "").strip();
        return !noCount.equals(t) && COMMENT_TITLES.contains(noCount);
    }

    /** "107 Responses to “Alien Surface”": a blog's comment section, titled by its count and the post. */
    static boolean responsesTitle(String text) {
        if (text.isEmpty()) return false;
        char c = text.charAt(0);
        if (!Character.isDigit(c) && !Character.isLetter(c)) return false;
        String t = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) i++;
        if (i > 0) {
            if (i >= t.length() || t.charAt(i) != ' ') return false;
            i++;
        } else {
            for (String one : ONE)
                if (t.startsWith(one)) {
                    i = one.length();
                    break;
                }
            if (i == 0) return false;
        }
        for (String p : RESPONSES_OPENINGS) if (t.startsWith(p, i)) return true;
        return false;
    }

    static boolean authorBoxTitle(String t) {
        return AUTHOR_BOX_TITLES.contains(t);
    }

    static boolean teaserTitle(String t) {
        if (TEASER_TITLES.contains(t)) return true;
        for (String p : SECTION_OPENINGS) if (t.startsWith(p)) return true;
        // "More content from NBCNews.com", "More world stories from …", "Mehr Artikel zum Thema"
        if (t.startsWith("more ") || t.startsWith("mehr ") || t.startsWith("plus d'"))
            for (String w : LISTED) if (t.contains(w)) return true;
        return false;
    }

    /** What a "More …" box lists. */
    private static final String[] LISTED = {
        " stories",
        " news",
        " content",
        " articles",
        " videos",
        " headlines",
        " artikel",
        " nachrichten",
        " beiträge",
        "articles",
        "actualités"
    };

    /** Longest "read more" phrase. */
    private static final int MAX_MORE_LINK_CHARS =
            MORE_LINKS.stream().mapToInt(String::length).max().orElseThrow();

    /**
     * Whether a block's text is a "read more" link ({@link #moreLink} of its {@link #title}). Every short
     * link line of a page (its menus) asks, so a text with more letters before its first colon than the
     * longest phrase has is refused before its title is made: the title keeps every letter.
     */
    static boolean moreLinkLine(String text) {
        int letters = 0;
        for (int i = 0; i < text.length() && text.charAt(i) != ':'; i++)
            if (Character.isLetterOrDigit(text.charAt(i)) && ++letters > MAX_MORE_LINK_CHARS) return false;
        return moreLink(title(text));
    }

    /** A "read more" link's title, alone or opening a linked headline ("mehr: Caritas fordert …"). */
    private static boolean moreLink(String title) {
        if (MORE_LINKS.contains(title)) return true;
        int colon = title.indexOf(':');
        return colon > 0 && MORE_LINKS.contains(title.substring(0, colon));
    }

    /**
     * A blurb that closes with its "read more" link ("… Seht selbst! Weiterlesen"): the block's only link
     * text is a "read more" at its end, after at least one word of its own.
     */
    static boolean endsWithMoreLink(String text, int linkChars) {
        // the link is the closing phrase, give or take its punctuation: most blocks fail here, untitled
        if (linkChars > MAX_MORE_LINK_CHARS + 2) return false;
        String t = title(text);
        int space = t.lastIndexOf(' ');
        for (int w = 0; w < 3 && space > 0; w++) {
            String tail = t.substring(space + 1);
            if (MORE_LINKS.contains(tail)) return Math.abs(linkChars - tail.length()) <= 2;
            space = t.lastIndexOf(' ', space - 1);
        }
        return false;
    }

    /** A plea in the block's lower-case text. */
    static boolean plea(String lower) {
        for (String p : PLEAS) if (lower.contains(p)) return true;
        for (String p : PLEA_OPENINGS) if (lower.startsWith(p)) return true;
        // "Follow The Gleaner on Twitter and Instagram …": a site or an author asking for followers
        return lower.startsWith("follow ")
                && (lower.contains(" on twitter")
                        || lower.contains(" on facebook")
                        || lower.contains(" on instagram")
                        || lower.contains(" on x "));
    }

    static boolean label(String title) {
        return LABELS.contains(title);
    }

    /** A comment's stamp: its author's name and a time, in the block's lower-case text. */
    static boolean commentStamp(String lower) {
        for (String p : COMMENT_STAMP_OPENINGS) if (lower.startsWith(p)) return Dateline.hasDate(lower);
        return false;
    }

    static boolean replyLabel(String text) {
        return REPLY_LABELS.contains(title(text));
    }

    static boolean authorBio(String text) {
        return AUTHOR_BIO.matcher(text).find();
    }

    /** A photo credit in the block's lower-case text. */
    static boolean credit(String lower) {
        for (String c : CREDITS) if (lower.contains(c)) return true;
        return false;
    }

    /** A post-metadata opening of the block's lower-case text. */
    static boolean metaLine(String lower) {
        String t = lower.stripLeading();
        int start = 0; // "(Credit: …)", "[Foto: …]"
        while (start < t.length() && (t.charAt(start) == '(' || t.charAt(start) == '[')) start++;
        t = t.substring(start);
        for (String p : META_OPENINGS) if (t.startsWith(p)) return true;
        return commentCount(t);
    }

    /**
     * A post's comment counter ("15:49 VON Sina Giebel IN Fashion | 0 COMMENTS", "by Laura Given · 2
     * comments"): a metadata line says how many comments the post has; an article's sentence hardly does.
     */
    private static boolean commentCount(String lower) {
        int i = lower.indexOf("comment");
        if (i < 0) i = lower.indexOf("kommentar");
        if (i < 0) i = lower.indexOf("réponse");
        if (i < 0) i = lower.indexOf("comentario");
        if (i < 0) i = lower.indexOf("reactie");
        if (i < 2 || lower.charAt(i - 1) != ' ' || !Character.isDigit(lower.charAt(i - 2))) return false;
        // the counted word ends there ("0 comments", "2 kommentare"), not in "commentators"
        int end = i;
        while (end < lower.length() && Character.isLetter(lower.charAt(end))) end++;
        return COUNTED.contains(lower.substring(i, end));
    }

    private static final Set<String> COUNTED = Set.of(
            "comment",
            "comments",
            "commentaire",
            "commentaires",
            "commenti",
            "commento",
            "kommentar",
            "kommentare",
            "réponse",
            "réponses",
            "comentario",
            "comentarios",
            "reactie",
            "reacties");
}
