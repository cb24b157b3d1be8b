package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The elements a page's blocks lie in, as a table built during the streaming pass instead of a DOM:
 * each element's parent, the prior its tag and class/id give it as an article container, and whether
 * it is marked {@code itemprop="articleBody"}. {@link ContainerScorer} climbs it from each block.
 */
final class ElementTable {
    /** class/id fragments that make an element more likely the article's container. */
    private static final String[] POSITIVE = {
        "article", "content", "entry", "post", "story", "body", "text", "main", "blog", "prose", "rich-text"
    };
    /** class/id fragments that make it less likely: comments, related lists, page furniture. */
    private static final String[] NEGATIVE = {
        "comment", "footer", "sidebar", "related", "share", "social", "promo", "sponsor", "widget", "meta",
        "masthead", "banner", "outbrain", "taboola", "newsletter", "subscribe", "nav", "menu", "tags", "byline",
        "author", "caption", "recirc", "trending", "popular", "more-", "teaser", "card", "rail"
    };

    private int[] parent = new int[256];
    private int[] prior = new int[256];
    private boolean[] articleBody = new boolean[256];
    /** Element children, skipped ones (scripts, navigation ...) included. */
    private int[] children = new int[256];
    /** html or body: the page itself, never a candidate's wrapper. */
    private boolean[] page = new boolean[256];
    /** table, tbody, tr, td ...: layout grid rather than a wrapper around one piece of content. */
    private boolean[] tablePart = new boolean[256];
    /** form: a registration, search or comment form, or (ASP.NET) a wrapper around the whole page. */
    private boolean[] form = new boolean[256];
    /** The class attribute as written, null when none: Readability's test for parts of one story. */
    private String[] classes = new String[256];
    /** The innermost weakly named box at the element ({@link TextBlockBuilder}'s box index), -1 none. */
    private int[] box = new int[256];
    /** A form asking for an e-mail address or a password: a sign-up or log-in box. */
    private boolean[] signUp = new boolean[256];

    private boolean anySignUp;

    private int size;
    private final PageNames names;
    /** The element of the page's headline (the h1/h2 repeating its title), -1 when it has none. */
    private int headline = -1;

    ElementTable(PageNames names) {
        this.names = names;
    }

    int size() {
        return size;
    }

    int parent(int e) {
        return parent[e];
    }

    // An element's parent was added before it, so its number is smaller: a sweep from the last element
    // to the first meets every child before its parent, one from the first meets every parent first.
    // Walking up from each block instead costs the page's depth per block (quadratic on deep nesting).

    /** Adds each element's value into its parent's, in place: {@code own} becomes the subtree sums. */
    long[] sumUp(long[] own) {
        for (int e = size - 1; e >= 0; e--) if (parent[e] >= 0) own[parent[e]] += own[e];
        return own;
    }

    /** Marks each element under a marked one too, in place: {@code marked} becomes "in a marked subtree". */
    boolean[] markDown(boolean[] marked) {
        for (int e = 0; e < size; e++) marked[e] |= parent[e] >= 0 && marked[parent[e]];
        return marked;
    }

    /** Per block, whether its element lies in a subtree {@link #markDown} marked. */
    static boolean[] blocksIn(List<Block> blocks, boolean[] inSubtree) {
        boolean[] in = new boolean[blocks.size()];
        for (int k = 0; k < in.length; k++)
            in[k] = blocks.get(k).element() >= 0 && inSubtree[blocks.get(k).element()];
        return in;
    }

    int prior(int e) {
        return prior[e];
    }

    boolean articleBody(int e) {
        return articleBody[e];
    }

    int headline() {
        return headline;
    }

    void headline(int e) {
        headline = e;
    }

    /** Counts a child whose subtree is skipped (a script, a share bar ...): the parent is not a mere wrapper. */
    void skippedChild(int parentElement) {
        if (parentElement >= 0) children[parentElement]++;
    }

    int children(int e) {
        return children[e];
    }

    boolean page(int e) {
        return page[e];
    }

    boolean tablePart(int e) {
        return tablePart[e];
    }

    boolean form(int e) {
        return form[e];
    }

    /** Do the two elements carry the same non-empty class attribute? */
    boolean namedAlike(int a, int b) {
        return classes[a] != null && !classes[a].isBlank() && classes[a].equals(classes[b]);
    }

    int box(int e) {
        return box[e];
    }

    /** Records the innermost weakly named box at the element, once the builder has decided it. */
    void box(int e, int boxIndex) {
        box[e] = boxIndex;
    }

    boolean anySignUpForm() {
        return anySignUp;
    }

    /** Marks a form that asks for an e-mail address or a password. */
    void signUpForm(int formElement) {
        signUp[formElement] = true;
        anySignUp = true;
    }

    /**
     * Per element: does it lie in a sign-up or log-in form (a newsletter box set inside the story, whose
     * pitch reads as prose)? Only a form holding under half the page's text: ASP.NET wraps a whole
     * page in one form, and a log-in field anywhere in it would mark the story.
     *
     * @param text per element, the characters of the blocks inside it
     */
    boolean[] inSignUpForms(long[] text) {
        long page = 0;
        for (int e = 0; e < size; e++) if (parent[e] < 0) page += text[e];
        boolean[] in = new boolean[size];
        for (int e = 0; e < size; e++) in[e] = signUp[e] && text[e] < 0.5 * page;
        return markDown(in);
    }

    /** Adds an element under {@code parentElement} (-1: none) and returns its index. */
    int add(int parentElement, String tag, String cls, String id, String itemprop) {
        if (size == parent.length) {
            parent = Arrays.copyOf(parent, size * 2);
            prior = Arrays.copyOf(prior, size * 2);
            articleBody = Arrays.copyOf(articleBody, size * 2);
            children = Arrays.copyOf(children, size * 2);
            page = Arrays.copyOf(page, size * 2);
            tablePart = Arrays.copyOf(tablePart, size * 2);
            form = Arrays.copyOf(form, size * 2);
            classes = Arrays.copyOf(classes, size * 2);
            box = Arrays.copyOf(box, size * 2);
            signUp = Arrays.copyOf(signUp, size * 2);
        }
        if (parentElement >= 0) children[parentElement]++;
        page[size] = tag.equals("html") || tag.equals("body");
        tablePart[size] = switch (tag) {
            case "table", "tbody", "thead", "tfoot", "tr", "td", "th" -> true;
            default -> false;
        };
        form[size] = tag.equals("form");
        classes[size] = cls;
        box[size] = -1;
        parent[size] = parentElement;
        prior[size] = tagPrior(tag) + names.containerPrior(cls) + names.containerPrior(id);
        articleBody[size] =
                itemprop != null && itemprop.toLowerCase(Locale.ROOT).contains("articlebody");
        return size++;
    }

    /** Readability's tag priors: a div or article is a likely container, a list or heading is not. */
    private static int tagPrior(String tag) {
        return switch (tag) {
            case "article" -> 10;
            case "div", "section", "main" -> 5;
            case "pre", "td", "blockquote" -> 3;
            case "ol", "ul", "dl", "dd", "dt", "li", "form", "address" -> -3;
            case "h1", "h2", "h3", "h4", "h5", "h6", "th" -> -5;
            default -> 0;
        };
    }

    static int namePrior(String v) {
        if (v == null || v.isEmpty()) return 0;
        String l = v.toLowerCase(Locale.ROOT);
        // a comment's box is named after what it holds ("commentbody", "comment-content"): the generic
        // content word does not make it the article's
        if (l.contains("comment")) return -25;
        int w = 0;
        for (String n : NEGATIVE)
            if (l.contains(n)) {
                w -= 25;
                break;
            }
        for (String p : POSITIVE)
            if (l.contains(p)) {
                w += 25;
                break;
            }
        return w;
    }
}
