package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the element that holds the article, the way Readability does, over the streaming pass's
 * {@link ElementTable} instead of a DOM. An element marked {@code itemprop="articleBody"} with real
 * text wins outright. Otherwise every paragraph-like block (25+ characters) scores 1 + its commas +
 * one per 100 characters (at most 3); the score goes to its container in full, to the next ancestor by
 * half and to three more by 1/(3·level), on top of each ancestor's tag/class prior; an element's
 * score is then discounted by its link density. The best element may give way to an ancestor that
 * holds several near-best candidates (an article split over several wrappers) or that scores higher
 * itself; siblings that score well, hold half as much nearly link-free text, or hold plain prose join
 * it.
 */
final class ContainerScorer {
    private static final int MIN_PARAGRAPH = 25;
    private static final int ANCESTOR_LEVELS = 5;
    /** A prior this high comes from a positive class/id name ("article", "story", "entry" ...), not the tag. */
    private static final int POSITIVE_NAME = 25;

    private ContainerScorer() {}

    /**
     * The article's region: per block, whether it lies in it; {@code declared} when the page marked it
     * itemprop=articleBody rather than the scores finding it; per block, whether it lies in an unlikely
     * box (see {@link #unlikely}), all false when declared; the characters of the standfirst taken in
     * from above the body (see {@link #withStandfirst}); the container and its siblings of the same class,
     * the parts of a story split over boxes of one name (none when declared).
     */
    record Region(boolean[] blocks, boolean declared, boolean[] unlikely, int standfirstChars, List<Integer> parts) {}

    /** The article's region; {@code null} when the page has no candidate. */
    static Region region(List<Block> blocks, ElementTable el, int headline) {
        int n = el.size();
        if (n == 0) return null;
        long[] text = subtreeText(blocks, el, false), links = subtreeText(blocks, el, true);
        List<Integer> body = articleBody(el, text, links);
        if (!body.isEmpty()) {
            boolean[] in = inside(blocks, el, oneArticle(blocks, el, body, headline));
            return new Region(in, true, new boolean[blocks.size()], withStandfirst(blocks, in, headline), List.of());
        }
        boolean[] unlikely = unlikely(blocks, el, text, links);

        double[] score = new double[n];
        boolean[] scored = new boolean[n];
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            int len = b.length();
            if (b.heading() || b.listItem() || len < MIN_PARAGRAPH || b.element() < 0 || unlikely[k]) continue;
            double s = 1 + commas(b.text()) + Math.min(len / 100, 3);
            int level = 0;
            for (int x = el.parent(b.element()); x >= 0 && level < ANCESTOR_LEVELS; x = el.parent(x), level++) {
                if (!scored[x]) {
                    scored[x] = true;
                    score[x] = el.prior(x);
                }
                score[x] += s / (level == 0 ? 1 : level == 1 ? 2 : level * 3);
            }
        }
        double[] fin = new double[n];
        int top = -1;
        for (int e = 0; e < n; e++) {
            if (!scored[e]) continue;
            fin[e] = score[e] * (1 - (text[e] == 0 ? 0 : (double) links[e] / text[e]));
            if (top < 0 || fin[e] > fin[top]) top = e;
        }
        if (top < 0 || fin[top] <= 0) return null;
        top = splitArticleAncestor(el, scored, fin, top);
        top = climbWhileScoring(el, scored, fin, top);
        int wrapped = top;
        top = aboveOnlyChildWrappers(el, text, top);

        List<Integer> roots = new ArrayList<>();
        roots.add(top);
        int parent = el.parent(top);
        if (parent >= 0) {
            double topScore = scored[top] ? fin[top] : fin[wrapped];
            double threshold = Math.max(10, topScore * 0.2);
            // Readability's bonus for a sibling of the container's class: a story the CMS split into boxes
            // of one name ("article-widget-text" before and after a video widget) is one story
            for (int e = top + 1; e < n; e++)
                if (el.parent(e) == parent
                        && scored[e]
                        && fin[e] + sameClassBonus(el, e, top, topScore, text, links) >= threshold
                        && !notTheStory(el, e)) roots.add(e);
            for (int e = 0; e < top; e++)
                if (el.parent(e) == parent
                        && scored[e]
                        && fin[e] + sameClassBonus(el, e, top, topScore, text, links) >= threshold
                        && !notTheStory(el, e)) roots.add(e);
            // a sibling holding at least half as much plain text with under 10% links: the story's first
            // part in a table cell or wrapper of its own, scored low because its paragraphs sit deep in
            // layout markup (an article split over sibling cells)
            double plainTop = text[top] - links[top];
            for (int e = 0; e < n; e++)
                if (e != top
                        && el.parent(e) == parent
                        && !roots.contains(e)
                        && !notTheStory(el, e)
                        && text[e] - links[e] >= 0.5 * plainTop
                        && links[e] < 0.1 * text[e]) roots.add(e);
            // an earlier sibling named like the container or its parent ("story-body" before "story-body")
            // that holds scored prose: the story's lead, which an advert or a photo split off the rest. Only
            // earlier ones: the same name after the story is the next post's teaser on a blog's page
            for (int c = top, level = 0; c >= 0 && el.parent(c) >= 0 && level < 2; c = el.parent(c), level++) {
                if (el.prior(c) < POSITIVE_NAME) break;
                for (int e = 0; e < c; e++)
                    if (el.parent(e) == el.parent(c)
                            && !roots.contains(e)
                            && scored[e]
                            && el.prior(e) == el.prior(c)
                            && links[e] < 0.25 * text[e]) roots.add(e);
            }
        }
        List<Integer> parts = new ArrayList<>();
        for (int r : roots) if (r == top || el.namedAlike(r, top)) parts.add(r);
        boolean[] in = inside(blocks, el, roots);
        // prose directly in a sibling of the article's container (a paragraph the markup left outside it)
        if (parent >= 0)
            for (int k = 0; k < blocks.size(); k++) {
                Block b = blocks.get(k);
                if (in[k] || b.element() < 0 || el.parent(b.element()) != parent || b.heading()) continue;
                double ld = (double) b.linkChars() / Math.max(1, b.length());
                if (b.length() > 80 && ld < 0.25) in[k] = true;
            }
        withHeadline(blocks, in);
        return new Region(in, false, unlikely, withStandfirst(blocks, in, headline), parts);
    }

    /**
     * Readability's bonus, for a sibling of mostly plain prose: a layout grid names its columns alike
     * ("column"), and the sidebar column beside the story's holds lists of links.
     */
    private static double sameClassBonus(ElementTable el, int e, int top, double topScore, long[] text, long[] links) {
        return el.namedAlike(e, top) && links[e] < 0.25 * text[e] ? 0.2 * topScore : 0;
    }

    /** Does the page mark an element itemprop=articleBody that holds real text? */
    static boolean hasArticleBody(List<Block> blocks, ElementTable el) {
        return !articleBody(el, subtreeText(blocks, el, false), subtreeText(blocks, el, true))
                .isEmpty();
    }

    /** Per element, the characters (or the link characters) of the blocks inside it. */
    static long[] subtreeText(List<Block> blocks, ElementTable el, boolean links) {
        long[] own = new long[el.size()];
        for (Block b : blocks) if (b.element() >= 0) own[b.element()] += links ? b.linkChars() : b.length();
        return el.sumUp(own);
    }

    /**
     * The elements marked itemprop=articleBody, when together they hold 200+ characters of plain text;
     * empty otherwise. All of them: some sites mark every paragraph rather than their wrapper.
     */
    private static List<Integer> articleBody(ElementTable el, long[] text, long[] links) {
        List<Integer> marked = new ArrayList<>();
        long plain = 0;
        for (int e = 0; e < el.size(); e++)
            if (el.articleBody(e) && text[e] > 0) {
                marked.add(e);
                plain += text[e] - links[e];
            }
        return plain >= 200 ? marked : List.of();
    }

    /**
     * The articleBody elements of one article: a page that loads the next story under the first (infinite
     * scroll, a sponsored story appended below) marks each story's body, each inside its own {@code
     * article} element. The story whose article holds the block after the page's headline is the page's,
     * else the first. An element's article is the outermost one around its blocks (the lowest number, as
     * articles are numbered in document order), so a card nested inside the story stays with it; bodies
     * outside any article, or all in one, are kept as they are.
     */
    private static List<Integer> oneArticle(List<Block> blocks, ElementTable el, List<Integer> body, int headline) {
        if (body.size() < 2) return body;
        int[] rootOf = new int[el.size()];
        Arrays.fill(rootOf, -1);
        for (int i = 0; i < body.size(); i++) rootOf[body.get(i)] = i;
        int[] article = new int[body.size()];
        for (Block b : blocks) {
            if (b.article() == 0) continue;
            int root = -1;
            for (int x = b.element(); x >= 0 && root < 0; x = el.parent(x)) root = rootOf[x];
            if (root >= 0 && (article[root] == 0 || b.article() < article[root])) article[root] = b.article();
        }
        boolean oneStory = true;
        for (int a : article) {
            if (a == 0) return body;
            oneStory &= a == article[0];
        }
        if (oneStory) return body;
        int storyArticle =
                headline >= 0 && headline < blocks.size() ? blocks.get(headline).article() : 0;
        int chosen = article[0];
        for (int a : article) if (a == storyArticle) chosen = a;
        List<Integer> one = new ArrayList<>();
        for (int i = 0; i < article.length; i++) if (article[i] == chosen) one.add(body.get(i));
        return one;
    }

    /**
     * The heading that titles the region when the markup put it just outside (a page header above the
     * article's body): the nearest heading before the region's first block, past nothing but short lines.
     */
    private static void withHeadline(List<Block> blocks, boolean[] in) {
        int first = 0;
        while (first < in.length && !in[first]) first++;
        for (int k = first - 1; k >= 0 && first < in.length; k--) {
            Block b = blocks.get(k);
            if (b.heading()) {
                in[k] = b.linkChars() == 0;
                return;
            }
            if (b.length() > 200) return;
        }
    }

    /**
     * The standfirst: the sentences a page sets between the headline and the body, in the article's
     * header box rather than its body's container (a summary paragraph under the h1). Between the dropped
     * headline and the region's first block, each block of whole-sentence prose without links joins the
     * region, when it lies in the same article element and the same named box as the body; the byline,
     * date and "Image" labels there are not prose and stay out. Returns the characters it added.
     */
    private static int withStandfirst(List<Block> blocks, boolean[] in, int headline) {
        if (headline < 0) return 0;
        int first = 0;
        while (first < in.length && !in[first]) first++;
        if (first >= in.length || headline >= first || first - headline > MAX_HEADER_BLOCKS) return 0;
        Block body = blocks.get(first);
        int chars = 0;
        for (int k = headline; k < first; k++) {
            Block b = blocks.get(k);
            if (b.box() == body.box()
                    && b.article() == body.article()
                    && !b.heading()
                    && !b.listItem()
                    && b.linkChars() == 0
                    && b.words() >= 12
                    && Sentences.endsWhole(b.text())) {
                in[k] = true;
                chars += b.length() + 1;
            }
        }
        return chars;
    }

    /** More blocks than this between the headline and the body: not one header box. */
    private static final int MAX_HEADER_BLOCKS = 8;

    /** Readability's "alternative candidates": three near-best candidates under one ancestor mean it holds the article. */
    private static int splitArticleAncestor(ElementTable el, boolean[] scored, double[] fin, int top) {
        List<Integer> near = new ArrayList<>();
        for (int e = 0; e < fin.length; e++) if (e != top && scored[e] && fin[e] >= 0.75 * fin[top]) near.add(e);
        if (near.size() < 3) return top;
        // as Readability counts them: candidates strictly inside the ancestor (the ancestor itself is no second
        // part of the article), and never up to the page's body
        for (int a = el.parent(top); a >= 0 && !el.page(a); a = el.parent(a)) {
            int under = 0;
            for (int c : near) if (c != a && isAncestor(el, a, c)) under++;
            if (under >= 3) return a;
        }
        return top;
    }

    /**
     * Readability's rule: a candidate that is its parent's only child gives way to the parent, so that the
     * siblings judged next are the parent's. An article split into sections each wrapped alone in a
     * layout div ("section > div > div > p…") keeps its later sections, which are the wrapper's siblings.
     */
    private static int aboveOnlyChildWrappers(ElementTable el, long[] text, int top) {
        for (int p = el.parent(top);
                p >= 0 && !el.page(p) && !el.tablePart(p) && el.children(p) == 1 && text[p] == text[top];
                p = el.parent(p)) top = p;
        return top;
    }

    private static int climbWhileScoring(ElementTable el, boolean[] scored, double[] fin, int top) {
        double last = fin[top], threshold = last / 3;
        for (int p = el.parent(top); p >= 0; p = el.parent(p)) {
            if (!scored[p]) continue;
            if (fin[p] < threshold) break;
            if (fin[p] > last) return p;
            last = fin[p];
        }
        return top;
    }

    /**
     * A sibling whose class or id names comments, related links, a sidebar ...: never part of the story,
     * however much prose it holds (a long comment thread beside a short post). Tag priors lie within ±10
     * and a name moves the prior by 25, so a prior this low is a name's doing.
     */
    private static boolean negativelyNamed(ElementTable el, int e) {
        return el.prior(e) < -10;
    }

    /**
     * A box that never holds the story: one named as comments, a sidebar ... ({@link #negativelyNamed}), or a
     * form, which holds a registration's terms, a search or a comment box. ASP.NET wraps the whole page in
     * one form: that form holds the headline (its chain is freed in {@link #unlikely}), and on a page whose
     * headline was not found no form is judged, since it may be such a wrapper.
     */
    private static boolean notTheStory(ElementTable el, int e) {
        return negativelyNamed(el, e) || el.form(e) && el.headline() >= 0;
    }

    /**
     * Per block: does it lie in an unlikely box? Readability drops "unlikely candidates" (comment
     * threads, sidebars, related lists, by their class/id) before scoring, so their prose cannot pull the
     * choice towards their parent; here a paragraph in such a box scores for nobody. Not unlikely: the
     * root and body (their classes describe the whole page, "has-sidebar"), and a box whose plain text
     * lies mostly inside {@code article} elements (a theme's "sidebar-wrapper" in or around the post's
     * article is a wrapper, whatever its name), and the boxes around the page's headline. Forms are
     * unlikely too ({@link #notTheStory}).
     */
    private static boolean[] unlikely(List<Block> blocks, ElementTable el, long[] text, long[] links) {
        int n = el.size();
        long[] inArticle = new long[n];
        for (Block b : blocks)
            if (b.article() > 0 && b.element() >= 0) inArticle[b.element()] += b.length() - b.linkChars();
        el.sumUp(inArticle);
        boolean[] box = new boolean[n];
        for (int e = 0; e < n; e++) {
            int p = el.parent(e);
            box[e] = p >= 0 && el.parent(p) >= 0 && notTheStory(el, e) && inArticle[e] < 0.5 * (text[e] - links[e]);
        }
        // the boxes around the page's headline are the story's own, whatever their names say ("subnav-inner-wrap"
        // around a blog's post and sidebar): a comment thread or a sidebar does not hold the headline
        for (int x = el.headline(); x >= 0; x = el.parent(x)) box[x] = false;
        return ElementTable.blocksIn(blocks, el.markDown(box));
    }

    private static boolean isAncestor(ElementTable el, int a, int e) {
        for (int x = e; x >= 0; x = el.parent(x)) if (x == a) return true;
        return false;
    }

    private static boolean[] inside(List<Block> blocks, ElementTable el, List<Integer> roots) {
        boolean[] root = new boolean[el.size()];
        for (int r : roots) root[r] = true;
        return ElementTable.blocksIn(blocks, el.markDown(root));
    }

    private static int commas(String s) {
        int c = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == ',') c++;
        return c;
    }
}
