package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Regression pages written for Kiln (free to redistribute) after the failure patterns of real news and
 * blog pages: the article only in JSON-LD, an articleBody wrapper whose id names a share widget, an
 * article deep in wrappers with comments, related links, captions and a newsletter box around it, and
 * an article split over sibling wrappers with promos between them; bylines, datelines, photo credits and
 * post metadata inside the article; teaser, related and comment sections known only by their titles;
 * a page laid out with a table; a site name and a promo line above the headline.
 */
class ArticleExtractionTest {
    @Test
    void articleOnlyInJsonLdIsTakenFromThere() {
        String t = extract("jsonld-only.html");
        assertThat(t)
                .contains("The harbour council voted nine to two on Tuesday")
                .contains("a row of steel gates that rise from the riverbed")
                .contains("once the regional water authority confirms its share of the money.")
                .doesNotContain("Loading")
                .doesNotContain("All rights reserved")
                .doesNotContain("A short teaser.");
    }

    /**
     * A how-to page rendered by script: the markup holds only a browser notice, the JSON-LD a schema.org
     * HowTo whose description and steps (plain, in sections, as directions) are the page's text.
     */
    @Test
    void aHowToOnlyInJsonLdIsTakenFromItsSteps() {
        String html = "<html><head><title>Sew a round tablecloth</title><script type='application/ld+json'>"
                + "{\"@context\":\"https://schema.org\",\"@type\":\"HowTo\",\"name\":\"Sew a round tablecloth\","
                + "\"description\":\"<p>A round table looks better with a cloth cut to fit it, and it takes an"
                + " afternoon.</p>\",\"step\":[{\"@type\":\"HowToStep\",\"text\":\"Measure the table across its"
                + " middle and add twice the drop you want.\"},{\"@type\":\"HowToSection\",\"name\":\"Cutting\","
                + "\"itemListElement\":[{\"@type\":\"HowToStep\",\"itemListElement\":{\"@type\":\"HowToDirection\","
                + "\"text\":\"Fold the fabric in four and mark the radius from the folded corner.\"}}]},"
                + "\"Hem the edge twice, pressing each fold before you sew it.\"]}"
                + "</script></head><body><div id=app><p>Please use a newer browser for a better experience.</p>"
                + "</div></body></html>";
        assertThat(extract("howto-jsonld", html))
                .contains("A round table looks better with a cloth cut to fit it")
                .contains("Measure the table across its middle and add twice the drop you want.")
                .contains("Fold the fabric in four and mark the radius from the folded corner.")
                .contains("Hem the edge twice, pressing each fold before you sew it.")
                .doesNotContain("newer browser");
    }

    @Test
    void shortLinesAboveTheHeadlineGoAndTheStandfirstStays() {
        String t = extract("lines-above-headline.html");
        assertThat(t)
                .startsWith("Island councils say the increase will hit commuters")
                .contains("Return tickets on the three routes to the outer islands")
                .contains("once the first of the new vessels enters service.")
                .doesNotContain("Harbour Gazette")
                .doesNotContain("Your weekend, sorted")
                .doesNotContain("Ferry fares to the islands rise by a fifth");
    }

    /** A heading repeating the title below the article's prose is another story's: the lines above it stay. */
    @Test
    void aTitleRepeatedBelowTheArticleCutsNothingAboveIt() {
        assertThat(extract("title-repeated-below-article.html"))
                .contains("Sourdough scares people off because the recipes read like chemistry")
                .contains("Ingredients: flour, water, salt")
                .contains("leave the dough covered on the kitchen counter overnight");
    }

    @Test
    void articleBodyWrapperNamedAfterAShareWidgetIsNotSkipped() {
        String t = extract("articlebody-named-share.html");
        assertThat(t)
                .contains("A national rail strike planned for Monday was called off")
                .contains("raises wages by four percent this year")
                .contains("will be able to claim a refund from the rail companies")
                .doesNotContain("Advertisement")
                .doesNotContain("Airport expansion plan")
                .doesNotContain("Email");
    }

    @Test
    void commentsRelatedLinksCaptionsAndNewsletterBoxesGo() {
        String t = extract("comments-related-captions.html");
        assertThat(t)
                .contains("Every morning at four, Tomas Berg lights the oven")
                .contains("he has turned every offer down")
                .contains("the queue on Saturdays reaches the post office")
                .contains("she keeps a notebook of the temperatures");
        assertThat(t)
                .doesNotContain("I have bought my bread there") // comments
                .doesNotContain("14 thoughts")
                .doesNotContain("The last cobbler on Mill Street") // related posts
                .doesNotContain("You might also like")
                .doesNotContain("photographed by the author") // caption
                .doesNotContain("Sign up for our weekly letter") // newsletter box
                .doesNotContain("Share on Facebook")
                .doesNotContain("Ten walks for a rainy weekend")
                .doesNotContain("independent magazine");
    }

    @Test
    void articleSplitOverSiblingWrappersIsKeptWhole() {
        String t = extract("split-article.html");
        assertThat(t)
                .contains("Ten years ago most of Europe's sleeper trains had been cut")
                .contains("a couchette booked a month ahead often costs less")
                .contains("Rail unions are less enthusiastic")
                .contains("double the number of night connections by 2030")
                .doesNotContain("Subscribe for 1 euro")
                .doesNotContain("Heatwave warning");
    }

    @Test
    void bylinesDatelinesCreditsAndPostMetadataGo() {
        String t = extract("byline-credits-heading-links.html");
        assertThat(t)
                .contains("will stay open until midnight on Fridays")
                .contains("keep its heating on through the evening")
                .contains("publish how many visitors came each Friday evening");
        assertThat(t)
                .doesNotContain("By Ines Varga") // byline
                .doesNotContain("Updated 12 March 2024") // dateline
                .doesNotContain("Archive of the Harbour Street Library") // photo credit
                .doesNotContain("This entry was filed under"); // post metadata
    }

    /**
     * Sites put "Read more" teasers, post metadata, subscription pleas, "More on this story" and the
     * comments inside the article's own container with no class name to give them away: their titles do.
     */
    @Test
    void unnamedTeaserRelatedAndCommentSectionsInsideTheArticleGo() {
        String t = extract("unnamed-tail-sections.html");
        assertThat(t)
                .contains("the island ferry will sail four times a day instead of six")
                .contains("make the trip harder for people who work late shifts in town")
                // prose after a mid-article teaser box stays
                .contains("Residents of the island have asked for a shuttle bus")
                .contains("if the new pier on the island is finished by then");
        assertThat(t)
                .doesNotContain("Harbour Office archive") // photo credit
                .doesNotContain("Read more") // teaser box title and its links
                .doesNotContain("Bridge repairs close the coast road")
                .doesNotContain("please subscribe") // plea
                .doesNotContain("This entry was posted in") // post metadata
                .doesNotContain("More on this story") // related links after the article
                .doesNotContain("New pier on schedule")
                .doesNotContain("holds up the last piles")
                .doesNotContain("3 Comments") // comments, to the end
                .doesNotContain("Four boats a day is not enough")
                .doesNotContain("forgive me if I do not hold my breath");
    }

    @Test
    void headlineBylineDatelinesCreditsLabelsBioAndLinkLinesGo() {
        String t = extract("unnamed-datelines-link-lines.html");
        assertThat(t)
                .contains("The overnight ferry between the mainland port and the three outer islands")
                .contains("whether a winter timetable is worth the fuel.")
                .contains("a cabin on a night boat would cost less than one of them.")
                .contains("Tickets and timetable")
                .contains("The ferry leaves at 22:30 from the north pier")
                .contains("Termin: 02.05.2024, 22:30 Uhr, north pier"); // an event's date is content
        assertThat(t)
                .doesNotContain("Night ferry to the islands returns") // the headline repeats the title
                .doesNotContain("By Ines Okafor")
                .doesNotContain("Updated: 14.03.2024")
                .doesNotContain("Published on 14 March 2024")
                .doesNotContain("Harbour Photo Agency") // a photo credit without a caption element
                .doesNotContain("Lars Vik") // a caption with a credit
                .doesNotContain("Advertisement") // an ad slot's label
                .doesNotContain("Share")
                .doesNotContain("staff reporter for the Herald") // the author's note
                .doesNotContain("Travel | Islands") // a breadcrumb above the prose
                .doesNotContain("Read more about") // link lines after the prose
                .doesNotContain("Follow the Herald");
    }

    @Test
    void anUntitledCommentSectionIsKnownByItsDateStampsAndReplyButtons() {
        String t = extract("untitled-comments.html");
        assertThat(t)
                .contains("My grandmother's pan spent a week on the balcony")
                .contains("fried an egg without sticking the next morning.");
        assertThat(t)
                .doesNotContain("March 3, 2024")
                .doesNotContain("vinegar instead of salt")
                .doesNotContain("plain sunflower oil")
                .doesNotContain("Reply");
    }

    /**
     * A short article whose comments outweigh it: the comment title stands before half the text, but the
     * comment stamps after it say what it opens. Between the article and the comments, a letter-spaced
     * teaser title and an untitled run of dated story links; the article's own dated timeline stays.
     */
    @Test
    void commentsLongerThanTheArticleLetterSpacedTitlesAndDatedStoryListsGo() {
        String t = extract("comments-outweigh-article.html");
        assertThat(t)
                .contains("The big container crane on the east quay lifted its first load in six weeks")
                .contains("would move back over the coming weekend.")
                .contains("12 March 2024: the quay is closed to container ships")
                .contains("will return to their usual hours on Monday");
        assertThat(t)
                .doesNotContain("R E L A T E D")
                .doesNotContain("Ferry fares rise in spring")
                .doesNotContain("Dock workers vote on new contract")
                .doesNotContain("Lighthouse keeper retires")
                .doesNotContain("Comments")
                .doesNotContain("About time too")
                .doesNotContain("the silence was lovely")
                .doesNotContain("Posted by");
    }

    /**
     * After the article, an untitled box of teaser cards (a linked headline and a one-paragraph blurb
     * each: the blurbs read like prose, the shape gives them away), then a "Comments are now closed"
     * title over name-and-text comments that outweigh the article; a single linked line inside the
     * article is no card run.
     */
    @Test
    void teaserCardsAndAClosedCommentSectionGo() {
        String t = extract("teaser-cards-closed-comments.html");
        assertThat(t)
                .contains("The regional council approved the tram line to the airport on Wednesday night")
                .contains("Work on the first section, from the central station to the exhibition grounds")
                .contains("would take the decision to the administrative court.");
        assertThat(t)
                .doesNotContain("The night boat will leave the north pier")
                .doesNotContain("Readers found new reading rooms")
                .doesNotContain("Drivers are asked to use the ring road")
                .doesNotContain("Comments are now closed")
                .doesNotContain("Eleven years of talk")
                .doesNotContain("airport bus queue")
                .doesNotContain("first rail laid");
    }

    /**
     * A page laid out with a table: navigation, article (with its byline, a timetable and its comment
     * thread in the same cell) and a most-read column are cells of one row. A row whose cells hold prose
     * is a layout row and yields one block per paragraph, so the comment section's title can cut it; the
     * timetable's rows, short cells, are data and stay one line each.
     */
    @Test
    void aLayoutTableRowIsSplitIntoItsParagraphsWhileADataTableStaysJoined() {
        String t = extract("table-layout-comments.html");
        assertThat(t)
                .contains("The river ferry will run every twenty minutes instead of every half hour")
                .contains("which made the extra sailings possible without hiring more crews.")
                .contains("Town pier to Mill landing | 06:10 | 22:30 | 20 min")
                .contains("Mill landing to Town pier | 06:40 | 23:00 | 20 min")
                .contains("until the board reviews passenger numbers in September, a spokesman said.")
                .doesNotContain("Local news")
                .doesNotContain("By Anna Weller")
                .doesNotContain("Comments (3)")
                .doesNotContain("Posted by")
                .doesNotContain("About time too")
                .doesNotContain("pensioners on their way to the clinic")
                .doesNotContain("Report this comment")
                .doesNotContain("Most read")
                .doesNotContain("Bypass plans go on show")
                .doesNotContain("All rights reserved");
        assertThat(t.lines()).contains("The new weekday sailings from the town pier are:");
    }

    /**
     * Highlighted code in a {@code pre}: a syntax highlighter wraps each token in a span and keeps the
     * spaces between them as runs of their own ("<span>SELECT</span> <span>avg</span>"). Those runs were
     * dropped as blank, so the code came out as "SELECTavg(n)"; inside a line they are its spaces.
     */
    @Test
    void spacesBetweenHighlightedTokensInCodeStay() {
        String html = "<html><head><title>Finding outliers with SQL</title></head><body><article>"
                + RegressionPages.BRIDGE_STORY
                + "<pre><span class=k>SELECT</span> <span class=n>avg</span><span class=p>(</span>"
                + "<span class=n>n</span><span class=p>)</span>   <span class=c>-- the mean</span>\n"
                + "  <span class=k>FROM</span> <span class=n>series</span><span class=p>;</span></pre>"
                + "</article></body></html>";
        assertThat(extract("highlighted-code", html).lines()).contains("SELECT avg(n)   -- the mean", "FROM series;");
    }

    /**
     * A formula in MathML is part of its sentence: skipped whole, the sentence came out as "When , there are
     * two solutions to and they can be real"; its TeX annotation, which repeats the formula, still goes.
     */
    @Test
    void mathInASentenceStaysAndItsTexAnnotationGoes() {
        String html = "<html><head><title>Roots</title></head><body><article>"
                + RegressionPages.BRIDGE_STORY
                + "<p>When <math><semantics><mrow><mi>a</mi><mo>&ne;</mo><mn>0</mn></mrow>"
                + "<annotation encoding='application/x-tex'>a \\neq 0</annotation></semantics></math>, there are"
                + " two solutions to <math><mi>a</mi><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mi>b</mi>"
                + "<mi>x</mi><mo>+</mo><mi>c</mi><mo>=</mo><mn>0</mn></math> and they can be real or complex.</p>"
                + "</article></body></html>";
        assertThat(extract("math", html))
                .contains("When a\u2260" + "0, there are two solutions to ax2+bx+c=0 and they can be real or complex.")
                .doesNotContain("neq");
    }

    /**
     * A blog theme lays out its page with a table that declares columns ({@code colgroup}), which reads
     * as a data table's mark; its main row still holds a sidebar's prose and the post in cells of prose
     * length, so it is a layout row and stays apart rather than becoming one block with the sidebar in it.
     */
    @Test
    void aLayoutTableDeclaringItsColumnsStillSplitsItsProseCells() {
        String t = extract("table-layout-with-colgroup.html");
        assertThat(t)
                .contains("The town library moved its catalogue online ten years ago")
                .contains("so they stay where they are.")
                .doesNotContain("My name is Ruth Calder")
                .doesNotContain("October 2012");
    }

    @Test
    void aTeaserTitleAtTheTopDoesNotCutTheArticle() {
        boolean[] keep = {true, true, true};
        java.util.List<HtmlMainText.Block> blocks = java.util.List.of(
                block("Comments"),
                block(
                        "Comments on the new law came from every party in the chamber, and the debate ran past midnight on Thursday."),
                block("The vote is due next week, after the committee stage."));
        ArticleTail.cut(blocks, keep, -1);
        // "Comments" before the article's text is a heading of the article, not the start of its tail
        assertThat(keep).containsExactly(true, true, true);
    }

    @Test
    void aNumberedPhotoGalleryGoesWhileFractionsInARecipeStay() {
        String prose =
                "The harbour festival drew more visitors than ever this year, with boats from twelve ports moored along the quay for the whole weekend.";
        java.util.List<HtmlMainText.Block> blocks = java.util.List.of(
                block(prose),
                block("1/3 Tall ships at dawn"),
                block("The first ships came in before sunrise on Saturday."),
                block("2/3 Crowds on the quay"),
                block("By noon the quay was full from end to end."),
                block("3/3 Fireworks"),
                block("The festival closed with fireworks over the water."),
                block("- 1/4 cup sugar"),
                block("1/4 cup sugar"),
                block("3/4 cup milk"),
                block("1/4 teaspoon salt"),
                block(prose));
        boolean[] keep = new boolean[blocks.size()];
        java.util.Arrays.fill(keep, true);
        ArticleTail.cut(blocks, keep, -1);
        assertThat(keep).containsExactly(true, false, false, false, false, false, false, true, true, true, true, true);
    }

    /**
     * A slide show whose captions the page hid: only its "left" / "right" buttons and counters are text, and
     * the block after the last counter is the article's first paragraph, not the last slide's caption.
     */
    @Test
    void theLeadAfterASlideShowWithoutCaptionsStays() {
        String lead = "VATICAN CITY Pope Francis condemned a deadly blast at a church and said at the Palm Sunday Mass"
                + " that the world was suffering from wars, terrorism and interests that are armed and ready to strike.";
        java.util.List<HtmlMainText.Block> blocks = java.util.List.of(
                block("left"),
                block("right"),
                block("1/3"),
                block("left"),
                block("right"),
                block("2/3"),
                block("left"),
                block("right"),
                block("3/3"),
                block(lead),
                block("The blast was the latest assault on a religious minority that has increasingly been targeted."));
        boolean[] keep = new boolean[blocks.size()];
        java.util.Arrays.fill(keep, true);
        ArticleTail.cut(blocks, keep, -1);
        assertThat(keep).containsExactly(true, true, false, false, false, false, false, false, false, true, true);
    }

    /**
     * A gallery's title under each of its slides is a template's label; a shell session's repeated output
     * lines and a code listing's keywords are the article's content.
     */
    @Test
    void aTitleRepeatedUnderEachSlideGoesWhileRepeatedCodeLinesStay() {
        String prose = "The harbour festival drew more visitors than ever this year, with boats from twelve ports"
                + " moored along the quay for the whole weekend.";
        String[] lines = {
            prose,
            "Tall ships in the harbour",
            "Tall ships in the harbour",
            "$ hg push",
            "Tall ships in the harbour",
            "$ hg push",
            "SELECT",
            "$ hg push",
            "SELECT",
            "SELECT",
            prose
        };
        java.util.List<HtmlMainText.Block> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) // each line its own element, as a slide's caption is
        blocks.add(new HtmlMainText.Block(lines[i], 0, false, false, false, 0, false, -1, i));
        boolean[] keep = new boolean[blocks.size()];
        java.util.Arrays.fill(keep, true);
        RepeatedLabels.cut(blocks, keep);
        assertThat(keep).containsExactly(true, false, false, true, false, true, true, true, true, true, true);
    }

    private static HtmlMainText.Block block(String text) {
        return new HtmlMainText.Block(text, 0, false, false, false, 0, false, -1, -1);
    }

    @Test
    void pageWithoutTextIsDroppedAsEmpty() {
        byte[] html = "<html><body><nav><a href=/>Home</a></nav><div class=spinner></div></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        StepResult r = new HtmlTextExtractor(PipelineConfig.Extraction.defaults())
                .apply(PipelineDocument.ofBytes("e", "https://news.example/e", html, "text/html"));
        assertThat(r.kept()).isFalse();
        assertThat(r.reason()).isEqualTo("empty");
    }
}
