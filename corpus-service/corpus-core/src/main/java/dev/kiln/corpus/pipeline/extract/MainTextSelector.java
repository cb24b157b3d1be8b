package dev.kiln.corpus.pipeline.extract;

import dev.kiln.corpus.pipeline.extract.HtmlMainText.Block;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the main text among a page's blocks. The candidates are the blocks of the article's region
 * ({@link ContainerScorer}) when it found one; else, if the page marks its main content ({@code main},
 * role=main, or one dominant {@code article}), the blocks inside it; else all. Among them, blocks in weakly
 * named boxes go unless the box holds a large share of the page's text; blocks whose link density
 * exceeds the limit are navigation; short blocks of known boilerplate phrases (copyright, "all rights
 * reserved", "sign in", "share this", cookie notices) go; headings stay only when content follows them,
 * and past the article's first text not when only dropped links follow up to the next heading (a link box's title).
 */
final class MainTextSelector {
    private MainTextSelector() {}

    /** Phrases that mark a short block as boilerplate. */
    private static final String[] BOILER_PHRASES = {
        "copyright",
        "\u00a9",
        "all rights reserved",
        "cookie",
        "sign in",
        "log in",
        "sign up",
        "subscribe",
        "share this",
        "share on",
        "follow us",
        "skip to content",
        "skip to main content",
        "skip navigation",
        "back to top",
        "read more",
        "privacy policy",
        "terms of use",
        "terms of service",
        "powered by",
        "javascript is disabled",
        "enable javascript"
    };

    static boolean boilerText(String text) {
        String l = text.toLowerCase(Locale.ROOT);
        for (String p : BOILER_PHRASES) if (l.contains(p)) return true;
        return false;
    }

    /**
     * Selects from the article region, or by the page's own main/article marks when the region is too
     * small; then the lead that repeats the page's description joins ({@link MetaDescription}), after the
     * choice, which is judged on what the markup gave.
     */
    static HtmlMainText.Result select(TextBlockBuilder.Blocks page, List<String> descriptions, double maxLinkDensity) {
        HtmlMainText.Result r = select(page, maxLinkDensity);
        boolean[] keep = r.kept().clone();
        if (!MetaDescription.keepSummary(r.blocks(), keep, descriptions, page.headline())) return r;
        return new HtmlMainText.Result(text(r.blocks(), keep), r.title(), r.blocks(), keep);
    }

    private static HtmlMainText.Result select(TextBlockBuilder.Blocks page, double maxLinkDensity) {
        ContainerScorer.Region region = ContainerScorer.region(page.blocks(), page.elements(), page.headline());
        int marks = markedRegion(page);
        HtmlMainText.Result marked = select(page, null, marks, maxLinkDensity);
        if (region == null) return marked;
        HtmlMainText.Result scored = select(page, region, marks, maxLinkDensity);
        if (region.declared()) return scored;
        // a region with under half the text of the page's own marks missed part of a page that is not one
        // article (documentation, landing pages); the marks are the safer choice there. What the marks
        // keep inside boxes named as comments, sidebars or related lists is not more of the article: a
        // short post beside a long comment thread or a sidebar's "about me" stays the post.
        // the standfirst does not make a region that is too small large enough: it is judged on its body
        long body = scored.text().length() - region.standfirstChars();
        long likely = likelyChars(marked, region.unlikely());
        // a page that marks nothing is compared whole: its menus' headings, teasers and sidebar blurbs are
        // in the count that a main element would have left out, so a third is the bar there, for a region
        // that holds an article's worth of text (Readability's 500 characters); a short article beside a
        // site's left column is the article
        if (marks == NO_MARKS && body >= MIN_UNMARKED_REGION_CHARS && 3 * body >= likely) return scored;
        return body >= 0.5 * likely ? scored : marked;
    }

    private static final int MIN_UNMARKED_REGION_CHARS = 500;

    /** A block this much link is a box of links (a list of stories, a "Gallery" button), not a sentence. */
    private static final double LINK_BOX_DENSITY = 0.8;

    /** A heading longer than this is a paragraph set in a heading's type, not a box's title. */
    private static final int MAX_TITLE_WORDS = 12;

    /** {@link #markedRegion}: the page marks neither a main element nor one dominant article. */
    private static final int NO_MARKS = -1;

    /** {@link #markedRegion}: the page's main element (main, role=main) holds its main content. */
    private static final int MAIN = 0;

    /**
     * The page's own mark of its main content: {@link #MAIN} when a main element holds a quarter of the
     * plain text, else the index of one article element that holds 60% of the articles' and a quarter
     * of the page's plain text, else {@link #NO_MARKS}.
     */
    private static int markedRegion(TextBlockBuilder.Blocks page) {
        long mainChars = 0, totalChars = 0;
        long[] articleChars = new long[page.articles() + 1];
        for (Block b : page.blocks()) {
            int plain = b.length() - b.linkChars();
            totalChars += plain;
            if (b.inMain()) mainChars += plain;
            articleChars[b.article()] += plain;
        }
        if (mainChars > 0 && mainChars >= 0.25 * totalChars) return MAIN;
        long sum = 0, best = 0;
        int bestIdx = 0;
        for (int a = 1; a < articleChars.length; a++) {
            sum += articleChars[a];
            if (articleChars[a] > best) {
                best = articleChars[a];
                bestIdx = a;
            }
        }
        return bestIdx > 0 && best >= 0.6 * sum && best >= 0.25 * totalChars ? bestIdx : NO_MARKS;
    }

    private static long likelyChars(HtmlMainText.Result r, boolean[] unlikely) {
        long chars = 0;
        for (int k = 0; k < r.kept().length; k++)
            if (r.kept()[k] && !unlikely[k]) chars += r.blocks().get(k).length() + 1;
        return chars;
    }

    private static HtmlMainText.Result select(
            TextBlockBuilder.Blocks page, ContainerScorer.Region scoredRegion, int marks, double maxLinkDensity) {
        boolean[] region = scoredRegion == null ? null : scoredRegion.blocks();
        List<Block> blocks = page.blocks();
        int nb = blocks.size();
        boolean[] keep = new boolean[nb];
        long totalChars = 0;
        for (Block b : blocks) totalChars += b.length() - b.linkChars();
        // weakly named boxes: boilerplate unless they hold a large share of the page's plain text
        // (a box's parent has a smaller number than the box: sums flow up and verdicts down in one sweep
        // each, where a walk up from every block was quadratic on a page of deeply nested boxes)
        List<Integer> boxParents = page.boxParents();
        int nbox = boxParents.size();
        long[] boxPlain = new long[nbox];
        for (Block b : blocks) if (b.box() >= 0) boxPlain[b.box()] += b.length() - b.linkChars();
        for (int x = nbox - 1; x >= 0; x--) if (boxParents.get(x) >= 0) boxPlain[boxParents.get(x)] += boxPlain[x];
        boolean[] boxIsBoiler = new boolean[nbox];
        for (int x = 0; x < nbox; x++) boxIsBoiler[x] = boxPlain[x] < 0.3 * totalChars;
        if (region != null) {
            for (int x : boxesAround(page, region)) boxIsBoiler[x] = false;
            // each part of a story split over boxes of one name is the story, however small beside the page
            for (int part : scoredRegion.parts())
                for (int x = page.elements().box(part); x >= 0; x = boxParents.get(x)) boxIsBoiler[x] = false;
        }
        boolean[] inBoilerBox = new boolean[nbox]; // the box or one around it is boilerplate
        for (int x = 0; x < nbox; x++)
            inBoilerBox[x] = boxIsBoiler[x] || boxParents.get(x) >= 0 && inBoilerBox[boxParents.get(x)];
        double[] listDensity = listLinkDensity(blocks, page.elements());
        boolean[] linkDropped = new boolean[nb];
        // most pages have no such form: the per-element sums are made only for those that do
        boolean[] inSignUpForm = page.elements().anySignUpForm()
                ? page.elements().inSignUpForms(ContainerScorer.subtreeText(blocks, page.elements(), false))
                : null;
        for (int k = 0; k < nb; k++) {
            Block b = blocks.get(k);
            if (region != null ? !region[k] : !inMarks(b, marks)) continue;
            if (b.box() >= 0 && inBoilerBox[b.box()]) continue;
            if (inSignUpForm != null && b.element() >= 0 && inSignUpForm[b.element()]) continue;
            double ld = b.length() == 0 ? 1 : (double) b.linkChars() / b.length();
            if (ld > maxLinkDensity && !(b.listItem() && b.words() >= 5 && listDensity[k] <= maxLinkDensity)) {
                linkDropped[k] = true;
                continue;
            }
            int words = b.words();
            if (words <= 12 && boilerText(b.text())) continue;
            keep[k] = true;
        }
        // within the scorer's region only: the page's own marks hold its menus' and sidebars' sentences too
        if (region != null) InlineLinks.restore(blocks, keep, linkDropped, page.elements());
        ArticleTail.cut(blocks, keep, page.headline());
        RepeatedLabels.cut(blocks, keep);
        // a heading stays only when kept text (not just more headings) follows it; walked backwards, as a forward
        // scan per heading is quadratic on a page of headings alone. Once the article's text has begun, a title
        // over nothing but links the selection dropped, up to the next heading that stays, heads that link box
        // ("More rides", "Latest headlines" over a list of other stories, a video's title over "Replay"); above
        // the text, such a heading is the headline over its byline and share links, and a section's heading
        // over a linked picture credit or a "Main article: …" pointer has its text below
        int firstText = 0;
        while (firstText < nb && !(keep[firstText] && !blocks.get(firstText).heading())) firstText++;
        boolean textBelow = false, sectionText = false, sectionLinks = false;
        for (int k = nb - 1; k >= 0; k--) {
            Block b = blocks.get(k);
            if (!b.heading()) {
                textBelow |= keep[k];
                sectionText |= keep[k];
                sectionLinks |= !keep[k] && b.linkChars() >= LINK_BOX_DENSITY * b.length();
            } else if (keep[k]) {
                keep[k] = textBelow && !(k > firstText && b.words() <= MAX_TITLE_WORDS && sectionLinks && !sectionText);
                if (keep[k]) sectionText = sectionLinks = false;
            }
        }
        return new HtmlMainText.Result(text(blocks, keep), page.title(), blocks, keep);
    }

    /**
     * Is the block in the page's own marked region ({@link #markedRegion}): its main element, its one
     * dominant article, or, marking neither, anywhere but its header and footer?
     */
    private static boolean inMarks(Block b, int marks) {
        return marks == MAIN ? b.inMain() : marks > 0 ? b.article() == marks : !b.inPageHeaderOrFooter();
    }

    private static String text(List<Block> blocks, boolean[] keep) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < keep.length; k++) {
            if (!keep[k]) continue;
            if (out.length() > 0) out.append('\n');
            out.append(blocks.get(k).text());
        }
        return out.toString();
    }

    /**
     * Per list item, the link density of its whole list: an item of a list that is mostly prose (a change
     * log whose every other item is a linked bug title) is content, as Readability judges a list by the
     * links of the whole list, not item by item; a menu is links throughout and still goes.
     */
    private static double[] listLinkDensity(List<Block> blocks, ElementTable el) {
        int nb = blocks.size();
        double[] out = new double[nb];
        Map<Integer, long[]> lists = null;
        for (int k = 0; k < nb; k++) {
            Block b = blocks.get(k);
            if (!b.listItem() || b.element() < 0) continue;
            if (lists == null) lists = new HashMap<>();
            long[] sum = lists.computeIfAbsent(el.parent(b.element()), x -> new long[2]);
            sum[0] += b.length();
            sum[1] += b.linkChars();
        }
        if (lists == null) return out;
        for (int k = 0; k < nb; k++) {
            Block b = blocks.get(k);
            if (!b.listItem() || b.element() < 0) continue;
            long[] sum = lists.get(el.parent(b.element()));
            out[k] = sum[0] == 0 ? 1 : (double) sum[1] / sum[0];
        }
        return out;
    }

    /**
     * The weakly named boxes around the whole region: the scorer chose the article's container inside
     * them, so their name ("widget" on a blog's post column) says nothing against it, however small the
     * post is beside the sidebar. Boxes within the region are still judged.
     */
    private static List<Integer> boxesAround(TextBlockBuilder.Blocks page, boolean[] region) {
        List<Integer> parents = page.boxParents();
        int[] depth = new int[parents.size()];
        for (int x = 0; x < depth.length; x++) depth[x] = parents.get(x) < 0 ? 0 : depth[parents.get(x)] + 1;
        // the innermost box around every region block so far, -2 before the first block
        int common = -2;
        List<Block> blocks = page.blocks();
        for (int k = 0; k < blocks.size() && common != -1; k++) {
            if (!region[k]) continue;
            int x = blocks.get(k).box();
            if (common == -2) {
                common = x;
                continue;
            }
            while (x != common && x >= 0 && common >= 0) {
                if (depth[x] >= depth[common]) x = parents.get(x);
                else common = parents.get(common);
            }
            if (x < 0) common = -1;
        }
        List<Integer> around = new ArrayList<>();
        for (int x = common; x >= 0; x = parents.get(x)) around.add(x);
        return around;
    }

    /**
     * The last resort for a page where every region came out empty: each prose block with few links; on a
     * page without any, the unlinked headings of its main content (the page's main or article mark, else
     * all but its header and footer): a page of titled pictures says what it has in its headings, which
     * the selection drops for want of text below them.
     */
    static HtmlMainText.Result anyProse(TextBlockBuilder.Blocks page, double maxLinkDensity) {
        List<Block> blocks = page.blocks();
        boolean[] keep = new boolean[blocks.size()];
        for (int k = 0; k < keep.length; k++) {
            Block b = blocks.get(k);
            double ld = b.length() == 0 ? 1 : (double) b.linkChars() / b.length();
            keep[k] = ld <= maxLinkDensity && b.words() >= 8 && !boilerText(b.text());
        }
        String prose = text(blocks, keep);
        if (!prose.isEmpty()) return new HtmlMainText.Result(prose, page.title(), blocks, keep);
        int marks = markedRegion(page);
        for (int k = 0; k < keep.length; k++) {
            Block b = blocks.get(k);
            keep[k] = b.heading() && b.linkChars() == 0 && inMarks(b, marks) && !boilerText(b.text());
        }
        return new HtmlMainText.Result(text(blocks, keep), page.title(), blocks, keep);
    }
}
