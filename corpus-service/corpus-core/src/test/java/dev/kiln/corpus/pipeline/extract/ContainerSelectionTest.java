package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Choosing and bounding the article's container, on pages written for Kiln (free to redistribute) after
 * the failure patterns of real news and blog pages in the Dragnet and Readability development sets: a
 * comment thread beside a short post, a story whose lead an advert split off, an itemprop=articleBody
 * inside a wrapper named like a share bar, a post in a weakly named blog column beside a longer sidebar.
 */
class ContainerSelectionTest {
    /** A comment box named after what it holds ("commentbody") is not made an article container by "body". */
    @Test
    void aCommentWordOutweighsAGenericContentWordInABoxName() {
        assertThat(ElementTable.namePrior("commentbody")).isNegative();
        assertThat(ElementTable.namePrior("comment-content")).isNegative();
        assertThat(ElementTable.namePrior("article-body")).isPositive();
        assertThat(ElementTable.namePrior("entry-content")).isPositive();
    }

    /** The comments outweigh the post; their box's name keeps them from pulling the choice to their parent. */
    @Test
    void commentThreadBesideAShortPostStaysOut() {
        assertThat(extract("container-comment-thread-beside-post.html"))
                .contains("Regulators and the companies they watch play a long game")
                .contains("cooperation pays, and the rules mostly work as written")
                .contains("make rules harder to enforce than any loophole in the text.")
                .doesNotContain("I am not sure the analogy holds")
                .doesNotContain("the discount rate matters more than the payoffs")
                .doesNotContain("Posted by: Alice")
                .doesNotContain("Archives");
    }

    /**
     * A theme wraps the post and its sidebar in "subnav-inner-wrap": the box around the page's headline is the
     * story's, so its name does not take the post's paragraphs out of the scoring and leave the header's
     * tagline or the sidebar's "about this blog" to stand in for the post.
     */
    @Test
    void headlineInsideANavNamedWrapperKeepsThePost() {
        assertThat(extract("container-headline-in-nav-named-wrapper.html"))
                .contains("The council voted on Tuesday to rebuild the harbour wall")
                .contains("which the harbour master says may take six weeks.")
                .doesNotContain("I have lived in this town for thirty years")
                .doesNotContain("Notes on a small town by the sea");
    }

    /**
     * The post's wrappers ("main", "main2", "post") score close to the post's body; they are one chain, not
     * three parts of a split article, so the choice does not climb to "content" around the post and a
     * sidebar whose "about me" is longer than a post made of a few linked lines.
     */
    @Test
    void aPostsOwnWrappersDoNotCountAsASplitArticle() {
        assertThat(extract("container-post-chain-beside-profile.html"))
                .contains("This week's picks, from the best to the merely odd:")
                .doesNotContain("I have written advertising copy in this city")
                .doesNotContain("About Me");
    }

    /** The story's first wrapper, named like the rest of it, comes before an advert: it is the lead. */
    @Test
    void storyLeadSplitOffByAnAdvertIsKept() {
        assertThat(extract("container-story-lead-split-off.html"))
                .contains("The harbour company's sale to a shipping group is an unusual deal")
                .contains("First, what the sale is not")
                .contains("In the first step the company will move the port business")
                .contains("which the courts read broadly.")
                .doesNotContain("Advertisement");
    }

    /**
     * The CMS split the story into boxes of one name, "article-widget-text", with a video box between them:
     * the earlier part scores too low alone, and its weakly named box is small beside the page, yet it is the
     * story's lead (Readability's bonus for a sibling of the container's class). The video box and the
     * related links between the parts stay out.
     */
    @Test
    void storySplitOverTextWidgetsOfOneNameIsKeptWhole() {
        assertThat(extract("container-story-split-over-text-widgets.html"))
                .contains("The regional water board has set aside 12 million")
                .contains("the board's share rose by a tenth.")
                .contains("Over the next three years the readers will cost us about 40 million")
                .contains("will be held at the town hall on the first Monday of April.")
                .doesNotContain("WATCH")
                .doesNotContain("The chair of the water board took questions")
                .doesNotContain("Council approves budget after a long night")
                .doesNotContain("Most read");
    }

    /**
     * A layout grid names the story's column and the sidebar's alike ("column"): the sidebar, lists of links
     * with a line or two of prose, does not join the story for its name.
     */
    @Test
    void aSidebarColumnNamedLikeTheStorysStaysOut() {
        StringBuilder story = new StringBuilder();
        String[] places = {
            "the harbour", "the old town", "the station", "the market", "the university", "the hospital",
            "the airport road", "the river bank", "the castle hill", "the new estates", "the ring road", "the docks"
        };
        for (String place : places)
            story.append("<p>Around ")
                    .append(place)
                    .append(", the survey found, traffic fell by a tenth in the first month of the new parking")
                    .append(" rules, while the number of people who came by bus, by bike or on foot rose, the")
                    .append(" council said.</p>");
        String html = "<html><head><title>Parking rules cut traffic in the town centre</title></head><body>"
                + "<div class=row><div class=column><h1>Parking rules cut traffic in the town centre</h1>" + story
                + "</div><div class=column><p>Found a mistake? Tell us: <a href=/contact>newsdesk@valley.example</a></p>"
                + "<h3>What's hot</h3><p>The biggest stories in the valley this week</p><ul>"
                + "<li><a href=/1>Bus drivers vote to strike over pay and hours</a></li>"
                + "<li><a href=/2>New school to open in the east of the town next year</a></li>"
                + "<li><a href=/3>Market hall to close for repairs over the summer</a></li>"
                + "<li><a href=/4>Reservoir levels lowest in ten years after a dry spring</a></li>"
                + "<li><a href=/5>Council approves budget after a long night of talks</a></li></ul>"
                + "</div></div></body></html>";
        assertThat(extract("sidebar-column-named-like-story", html))
                .contains("Around the harbour, the survey found")
                .contains("Around the docks, the survey found")
                .doesNotContain("Found a mistake")
                .doesNotContain("The biggest stories in the valley this week");
    }

    /** A share-bar name on the wrapper hid the marked article body; the promos must not stand in for it. */
    @Test
    void articleBodyInsideAShareNamedWrapperIsFound() {
        assertThat(extract("container-articlebody-inside-share-wrapper.html"))
                .contains("Shipments of desktop processors fell in the third quarter")
                .contains("both sold fewer chips than a year before")
                .contains("once the new operating systems have reached the shops.")
                .doesNotContain("White Paper")
                .doesNotContain("Service desk comparative report")
                .doesNotContain("Join our panel of experts");
    }

    /** Blogger's post column is a "widget"; the sidebar's longer "about me" is not more of the post. */
    @Test
    void shortPostInAWidgetColumnWinsOverALongerSidebar() {
        assertThat(extract("container-post-in-widget-column.html"))
                .contains("The handset maker is counting on its new system to revive sales")
                .contains("carriers say they will wait for the first reviews")
                .doesNotContain("About Me")
                .doesNotContain("equity analyst at three brokerage firms")
                .doesNotContain("Blog Archive");
    }

    /**
     * A blog post's classes list the categories and tags it is filed under ("category-social-media",
     * "tag-sharing"): they say what the post is about, not that its box is a share bar, so the post is
     * not skipped while the sidebar's text stands in for it.
     */
    @Test
    void postFiledUnderASocialMediaCategoryIsNotTakenForAShareBar() {
        assertThat(extract("container-post-filed-under-social-media.html"))
                .contains("Most of us mean to reply to the note a former colleague sent last month")
                .contains("the reason the same people keep sending introductions your way.")
                .doesNotContain("The Career Desk publishes advice");
    }

    @Test
    void taxonomyTermsLeaveAClassListButALoneClassStays() {
        assertThat(PageNames.withoutTaxonomy("post type-post hentry category-social-media tag-sharing"))
                .isEqualTo("post type-post hentry");
        assertThat(PageNames.withoutTaxonomy("single s-category-ads s-tag-promo"))
                .isEqualTo("single");
        assertThat(PageNames.withoutTaxonomy("tag-share")).isEqualTo("tag-share");
        assertThat(PageNames.withoutTaxonomy("share-bar")).isEqualTo("share-bar");
    }

    /**
     * An article split into sections, each alone in a layout wrapper ("section > div > div > p"): the best
     * candidate is the first section's inner div, and its later sections are siblings of its wrapper, not
     * of it. Readability moves up from a candidate that is its parent's only child; so does the scorer.
     */
    @Test
    void laterSectionsBesideTheLoneWrapperOfTheFirstAreKept() {
        assertThat(extract("container-sections-in-lone-wrappers.html"))
                .contains("For months, nobody on the team could say when the build had become slow.")
                .contains("made the generated files an input that the build cache understands.")
                .contains("Time every step at every tag, once, and keep the numbers.")
                .contains("rather than as weather that everyone complains about")
                .doesNotContain("Privacy");
    }
    /**
     * A page that loads the next story below the first (infinite scroll, a sponsored story appended) marks
     * the body of each with itemprop=articleBody, each in its own article element: the page's article is
     * the one under its headline, not both.
     */
    @Test
    void theNextStoryLoadedBelowIsNotPartOfTheArticle() {
        String html = "<html><head><title>Bridge to close for repairs - Town News</title></head><body>"
                + "<article itemscope itemtype=http://schema.org/NewsArticle><h1>Bridge to close for repairs</h1>"
                + "<div itemprop=articleBody>" + RegressionPages.BRIDGE_STORY + "</div></article>"
                + "<div class=next-articles><article itemscope itemtype=http://schema.org/NewsArticle>"
                + "<h2>Sponsored: a summit asks hard questions</h2><div itemprop=articleBody>"
                + "<p>Meaningful changes have always been driven by the right questions, and this summit brings"
                + " together the people who ask them, from economists to novelists and film makers.</p>"
                + "<p>This article was produced by the marketing team on behalf of the organisers and not by the"
                + " editorial team.</p></div></article></div></body></html>";
        assertThat(extract("next-story-below", html))
                .contains("The city council voted on Tuesday to close the old bridge")
                .contains("a little over four million")
                .doesNotContain("Meaningful changes")
                .doesNotContain("marketing team");
    }
    /**
     * A registration form below the article holds the site's terms and conditions, longer than the story:
     * a form is not where a page keeps its story (unless it wraps the whole page, as ASP.NET's does, and
     * so holds the headline), so its prose scores for no container.
     */
    @Test
    void aRegistrationFormsTermsAreNotTheArticle() {
        StringBuilder terms = new StringBuilder();
        for (String until : new String[] {
            "as set out below",
            "for as long as you stay registered",
            "in every country where the Website is offered",
            "until you ask us to remove your account",
            "unless the law where you live says otherwise"
        })
            terms.append("<p>The Website may change these terms at any time, and your use of the Website after a")
                    .append(" change, whether you read the new terms or not, means that you accept them, the")
                    .append(" registration process, the newsletter alerts, the cookies and the use of your details")
                    .append(" by our information providers, ")
                    .append(until)
                    .append(".</p>");
        String html = "<html><head><title>Bridge to close for repairs - Town News</title></head><body>"
                + "<div class=page><h1>Bridge to close for repairs</h1><div>" + RegressionPages.BRIDGE_STORY + "</div>"
                + "<form method=post action=/register><div>Register <input type=text name=email></div>"
                + "<div><b>Check <input type=checkbox name=agree> to state you have read our terms</b></div>"
                + "<div class=terms>" + terms + "</div></form></div></body></html>";
        assertThat(extract("registration-terms-form", html))
                .contains("The city council voted on Tuesday to close the old bridge")
                .contains("a little over four million")
                .doesNotContain("The Website may change these terms")
                .doesNotContain("Check");
    }
}
