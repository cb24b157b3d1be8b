package dev.kiln.corpus.pipeline.extract;

import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What an element's name and its class, id, role and style attributes say about it: never content
 * (script, form control, nav ...), a navigation or consent box, an ARIA landmark that is not content,
 * a hidden element.
 */
final class BoilerplateNames {
    private BoilerplateNames() {}

    /**
     * Elements that are never content: scripts, embedded media, form controls, navigation, the head. Not
     * {@code math}: a formula is part of its sentence ("When a ≠ 0, there are two solutions"), and MathML's
     * tokens read as text; only its annotations (the TeX source that repeats the formula) go.
     */
    private static final Set<String> SKIP = Set.of(
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "annotation",
            "annotation-xml",
            "iframe",
            "object",
            "embed",
            "canvas",
            "select",
            "option",
            "button",
            "input",
            "textarea",
            "label",
            "nav",
            "aside",
            "menu",
            "dialog",
            "head",
            "map",
            "audio",
            "video",
            "picture",
            "noembed",
            "noframes",
            "datalist",
            "figcaption");

    private static final Set<String> SKIP_ROLES = Set.of(
            "navigation",
            "banner",
            "contentinfo",
            "complementary",
            "search",
            "menu",
            "menubar",
            "dialog",
            "alertdialog",
            "toolbar");
    /** class/id words (split on space, '-', '_' and camelCase) that name a boilerplate box. */
    private static final Set<String> BOILER_WORDS = Set.of(
            "nav",
            "navbar",
            "navigation",
            "subnav",
            "topnav",
            "bottomnav",
            "navlist",
            "menu",
            "menubar",
            "breadcrumb",
            "breadcrumbs",
            "sidebar",
            "sidenav",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "share",
            "sharing",
            "social",
            "advert",
            "advertisement",
            "ad",
            "ads",
            "adsbox",
            "sponsor",
            "sponsored",
            "promo",
            "promotion",
            "related",
            "recommended",
            "subscribe",
            "newsletter",
            "popup",
            "modal",
            "skip",
            "skiplink",
            "pagination",
            "pager",
            "toolbar",
            "masthead",
            "topbar",
            "footer",
            "widget",
            "widgets",
            "banner",
            "tags",
            "tagcloud",
            "login",
            "signup",
            "legalcopy",
            "copyright",
            "disclaimer");

    /** class/id words that always mean boilerplate, whatever the box's size. */
    private static final Set<String> STRONG_WORDS = Set.of(
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "share",
            "sharing",
            "sharedaddy",
            "social",
            "advert",
            "advertisement",
            "ad",
            "ads",
            "adsbox",
            "breadcrumb",
            "breadcrumbs",
            "related",
            "newsletter",
            "subscribe",
            "popup",
            "modal",
            "sponsored",
            "promo",
            "respond",
            "comment",
            "comments",
            "commentlist",
            "disqus",
            "caption",
            "credit",
            "credits",
            "byline",
            "dateline",
            "postmetadata",
            "skip");

    static boolean skippedElement(String name) {
        return SKIP.contains(name);
    }

    /**
     * A page landmark that is boilerplate by its element or role (aside, role=banner / contentinfo /
     * complementary), where a page can still have put its article: an aside wrapping the whole story, a
     * banner header never closed. The last pass over a page that came out empty judges these by size
     * instead of skipping them.
     */
    static boolean pageLandmark(String name, String role) {
        if (name.equals("aside")) return true;
        if (role == null) return false;
        String r = role.toLowerCase(Locale.ROOT).strip();
        return r.equals("banner") || r.equals("contentinfo") || r.equals("complementary");
    }

    /** A class or id that names a boilerplate box, which is judged by its size after the pass. */
    static boolean weak(String classOrId) {
        return nameHas(classOrId, BOILER_WORDS);
    }

    /** A class or id that always means boilerplate, whatever the box's size. */
    static boolean strong(String classOrId) {
        return nameHas(classOrId, STRONG_WORDS)
                || namesCaption(classOrId)
                || embeddedPost(classOrId)
                || authorsBox(classOrId);
    }

    /** Words that, beside "author" in one class token, name the author's box rather than a byline's name. */
    private static final Set<String> AUTHOR_BOX_WORDS =
            Set.of("bio", "biography", "description", "desc", "profile", "about", "info", "box", "block", "card");

    private static final Set<String> AUTHOR_WORDS = Set.of("author", "authors");

    /**
     * The author's box: a class token naming the author and a bio or profile ("author-bio", "authorDesc",
     * "author-profile", "about-author"), where a site says who wrote the story and what else they do,
     * after the story or beside it. Not the article's text (news golds leave it out, as they leave out
     * the byline), and untitled, so {@link ArticleTail}'s "About the author" title does not find it.
     */
    private static boolean authorsBox(String classOrId) {
        if (classOrId == null || !classOrId.toLowerCase(Locale.ROOT).contains("author")) return false;
        for (String token : classOrId.split("\\s+"))
            if (nameHas(token, AUTHOR_WORDS) && nameHas(token, AUTHOR_BOX_WORDS)) return true;
        return false;
    }

    /**
     * The class the social platforms' embed code gives the quoted post ({@code <blockquote
     * class="twitter-tweet">} and its Instagram and TikTok twins), which a script turns into a card: a
     * third party's words quoted beside the story, as a caption describes a photo, not the article's text.
     * Whole class tokens only: a "tweet_line" is the story's own sentence offered for tweeting.
     */
    private static final Set<String> EMBEDDED_POSTS = Set.of(
            "twitter-tweet",
            "twitter-video",
            "twitter-timeline",
            "instagram-media",
            "tiktok-embed",
            "fb-post",
            "fb-video",
            "reddit-card");

    private static final String[] EMBEDDED_POSTS_HINTS = EMBEDDED_POSTS.toArray(String[]::new);

    private static boolean embeddedPost(String cls) {
        return hasClassToken(cls, EMBEDDED_POSTS, EMBEDDED_POSTS_HINTS);
    }

    /**
     * What kind of box for one line a class or id names: {@link LineBoxes#BYLINE} ("byline", "dateline"),
     * {@link LineBoxes#CAPTION} ("caption", "wp-caption", "imagecaption"), else {@link LineBoxes#NONE}: the
     * strong names whose box a post may fill with its prose, which {@link LineBoxes} weighs.
     */
    static int lineBox(String classOrId) {
        if (nameHas(classOrId, BYLINE_WORDS)) return LineBoxes.BYLINE;
        return nameHas(classOrId, CAPTION_WORDS) || namesCaption(classOrId) ? LineBoxes.CAPTION : LineBoxes.NONE;
    }

    private static final Set<String> BYLINE_WORDS = Set.of("byline", "dateline"), CAPTION_WORDS = Set.of("caption");

    /**
     * A name word that ends in "caption" without a separator ("thumbcaption", "imagecaption",
     * "storyphotocaption"): older CMSs and wikis run the words of a caption box's name together, and the
     * caption is no more the article's text than a box named "caption".
     */
    private static boolean namesCaption(String classOrId) {
        return classOrId != null
                && classOrId.toLowerCase(Locale.ROOT).contains("caption")
                && anyWord(classOrId, w -> w.endsWith("caption"));
    }

    /** An ARIA role that marks navigation, banners, search boxes, dialogs and the like. */
    static boolean skippedRole(String role) {
        return role != null && SKIP_ROLES.contains(role.toLowerCase(Locale.ROOT).strip());
    }

    static boolean nameHas(String v, Set<String> words) {
        return anyWord(v, words::contains);
    }

    /**
     * Whether a word of the name (split on space, '-', '_', ':', '.' and camelCase), lower-cased, passes.
     * A class token whose words are joined by "and" ("section-and-ad", "textAndImage") names a box that
     * holds both parts, so it passes only when every part has a passing word: a wrapper of a story's
     * paragraph and the advert slot beside it is not an advert, "share-and-subscribe" is still a share bar.
     */
    private static boolean anyWord(String v, Predicate<String> test) {
        if (v == null || v.isEmpty()) return false;
        int n = v.length(), start = 0;
        boolean partPasses = false, earlierPartsPass = true;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? v.charAt(i) : ' ';
            boolean tokenEnd = c == ' ' || c == '\t' || c == '\n';
            boolean sep = tokenEnd || c == '-' || c == '_' || c == ':' || c == '.';
            boolean camel = i > start && i < n && Character.isUpperCase(c) && Character.isLowerCase(v.charAt(i - 1));
            if (sep || camel) {
                if (i > start) {
                    String word = v.substring(start, i).toLowerCase(Locale.ROOT);
                    if (word.equals("and")) {
                        earlierPartsPass &= partPasses;
                        partPasses = false;
                    } else if (!partPasses && test.test(word)) partPasses = true;
                }
                start = sep ? i + 1 : i;
            }
            if (tokenEnd) {
                if (partPasses && earlierPartsPass) return true;
                partPasses = false;
                earlierPartsPass = true;
            }
        }
        return false;
    }

    /** Words in a slug from which on an id reads as a phrase rather than a name. */
    private static final int PHRASE_WORDS = 4;

    /**
     * An id that reads as a phrase: lower-case words joined by hyphens, at least {@link #PHRASE_WORDS} of
     * them ("sharing-with-a-single-developer"), as documentation generators and CMSs derive a section's
     * or heading's anchor from its title. It says what the section is about, not what the box is, so its
     * words do not name a share bar or a comment box; box names are a few words at most.
     */
    static boolean phrase(String id) {
        int words = 1;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '-') {
                if (i == 0 || i == id.length() - 1 || id.charAt(i - 1) == '-') return false;
                words++;
            } else if (!Character.isLowerCase(c) && !Character.isDigit(c)) return false;
        }
        return words >= PHRASE_WORDS;
    }

    /**
     * Utility classes that hide a box from sighted readers: CSS frameworks' display-none class
     * ({@code hidden}; Bulma's {@code is-hidden}, SUIT's {@code u-hidden}, where a site keeps the teaser
     * a video player shows when its clip ends) and screen-reader-only text ({@code visually-hidden},
     * HTML5 Boilerplate's {@code visuallyhidden}, {@code sr-only}, WordPress's {@code screen-reader-text}),
     * where pages keep sign-up walls the script may show and labels like "Article content". Whole class
     * tokens only: {@code hidden-xs} hides on phones alone.
     */
    private static final Set<String> HIDDEN_CLASSES = Set.of(
            "hidden", "is-hidden", "u-hidden", "visually-hidden", "visuallyhidden", "sr-only", "screen-reader-text");

    private static final String[] HIDDEN_CLASS_HINTS = {"hidden", "sr-only", "screen-reader"};

    static boolean hiddenClass(String cls) {
        return hasClassToken(cls, HIDDEN_CLASSES, HIDDEN_CLASS_HINTS);
    }

    /**
     * Whether a whole token of the class value is one of {@code tokens}. Every element with a class asks
     * some of these, so the value is split (and its garbage made) only when it contains one of {@code
     * hints}, substrings of which each token holds one.
     */
    private static boolean hasClassToken(String cls, Set<String> tokens, String[] hints) {
        if (cls == null) return false;
        for (String h : hints)
            if (cls.contains(h)) {
                for (String token : cls.split("\\s+")) if (tokens.contains(token)) return true;
                return false;
            }
        return false;
    }

    static boolean hiddenStyle(String style) {
        String l = style.replace(" ", "").toLowerCase(Locale.ROOT);
        return l.contains("display:none") || l.contains("visibility:hidden");
    }
}
