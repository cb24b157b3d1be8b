package dev.kiln.corpus.pipeline.extract;

import java.util.HashMap;
import java.util.Map;

/**
 * What this page's class and id values say, each distinct value judged once: whether it names a
 * boilerplate box weakly or strongly ({@link BoilerplateNames}) and how it moves an element's prior as
 * the article's container ({@link ElementTable#namePrior}). A page repeats a few dozen values on
 * thousands of elements, and splitting each into words again was 6% of extraction's time. One per page,
 * shared by both passes ({@link HtmlMainText}): the lenient retry meets the same values.
 */
final class PageNames {
    /** One value's verdicts, each worked out when first asked for. */
    private static final class Verdict {
        final String value;
        Boolean weak, strong, phrase;
        Integer prior, lineBox;

        Verdict(String value) {
            this.value = value;
        }
    }

    private final Map<String, Verdict> verdicts = new HashMap<>();

    /** {@link BoilerplateNames#weak}: a box named as boilerplate, judged by its size after the pass. */
    boolean weak(String classOrId) {
        if (classOrId == null || classOrId.isEmpty()) return false;
        Verdict v = verdict(classOrId);
        if (v.weak == null) v.weak = BoilerplateNames.weak(v.value);
        return v.weak;
    }

    /** {@link BoilerplateNames#strong}: a box named as boilerplate whatever its size. */
    boolean strong(String classOrId) {
        if (classOrId == null || classOrId.isEmpty()) return false;
        Verdict v = verdict(classOrId);
        if (v.strong == null) v.strong = BoilerplateNames.strong(v.value);
        return v.strong;
    }

    /** {@link BoilerplateNames#lineBox}: which box for one line the name names, a caption or a byline. */
    int lineBox(String classOrId) {
        if (classOrId == null || classOrId.isEmpty()) return LineBoxes.NONE;
        Verdict v = verdict(classOrId);
        if (v.lineBox == null) v.lineBox = BoilerplateNames.lineBox(v.value);
        return v.lineBox;
    }

    /** {@link BoilerplateNames#phrase}: an id that a heading's text generated, not a box's name. */
    boolean phrase(String id) {
        if (id == null || id.isEmpty()) return false;
        Verdict v = verdict(id);
        if (v.phrase == null) v.phrase = BoilerplateNames.phrase(id);
        return v.phrase;
    }

    /** {@link ElementTable#namePrior}: how the name makes an element more or less likely the article's container. */
    int containerPrior(String classOrId) {
        if (classOrId == null || classOrId.isEmpty()) return 0;
        Verdict v = verdict(classOrId);
        if (v.prior == null) v.prior = ElementTable.namePrior(v.value);
        return v.prior;
    }

    /**
     * The class list without the post's taxonomy terms: a CMS's post classes enumerate its categories and
     * tags (WordPress's post_class: "post type-post hentry category-social-media tag-sharing"; a K2 body
     * class "s-category-…"), which say what the post is about, not what the box is. Judged with them,
     * a post filed under "social media" was skipped as a social-buttons bar. A lone class stays: it names
     * the box itself.
     */
    static String withoutTaxonomy(String classes) {
        if (classes.indexOf(' ') < 0 || !classes.contains("category-") && !classes.contains("tag-")) return classes;
        StringBuilder kept = new StringBuilder(classes.length());
        for (String token : classes.split("\\s+")) {
            if (taxonomyTerm(token)) continue;
            if (kept.length() > 0) kept.append(' ');
            kept.append(token);
        }
        return kept.toString();
    }

    private static boolean taxonomyTerm(String token) {
        String t = token.startsWith("s-") ? token.substring(2) : token;
        return t.startsWith("category-") || t.startsWith("tag-");
    }

    private Verdict verdict(String classOrId) {
        Verdict v = verdicts.get(classOrId);
        if (v == null) {
            v = new Verdict(withoutTaxonomy(classOrId));
            verdicts.put(classOrId, v);
        }
        return v;
    }
}
