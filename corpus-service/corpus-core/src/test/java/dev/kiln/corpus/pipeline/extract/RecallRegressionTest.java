package dev.kiln.corpus.pipeline.extract;

import static dev.kiln.corpus.pipeline.extract.RegressionPages.extract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Articles that used to come out empty or from the wrong container, on pages written for Kiln (free to
 * redistribute) after the patterns of real news pages in the L3S-GN1 evaluation set.
 */
class RecallRegressionTest {
    /** A head never closed (a tag broken by the crawl, no {@code </head>}, no {@code <body>}): 1 page in 9 of L3S-GN1. */
    @Test
    void articleAfterAHeadThatIsNeverClosedIsFound() {
        String t = extract("unclosed-head.html");
        assertThat(t)
                .contains("Mill reopens six weeks after the flood")
                .contains("The paper mill on Water Street reopened on Monday")
                .contains("most of it for the electrical rooms in the basement")
                .contains("expects an answer by the spring.")
                .doesNotContain("All rights reserved");
    }

    @Test
    void bodyStartedInsideAnOpenHeadIsFound() {
        String html = "<html><head><title>t</title><meta charset=utf-8><body><div class=story>"
                + "<p>The county fair will open a week late this year because the barns need new roofs.</p>"
                + "<p>Organisers said the delay would not change the price of tickets or the list of shows.</p>"
                + "</div></body></html>";
        assertThat(extract("body-in-head", html))
                .contains("The county fair will open a week late")
                .contains("would not change the price of tickets");
    }

    @Test
    void aSecondHeadPastedIntoTheFirstDoesNotHideThePage() {
        String html = "<html><head><title>a</title><html><head><meta charset=utf-8><title>b</title>"
                + "<script>var x = 1;</script></head><body><div id=text>"
                + "<p>The harbour ferry will stop at the new pier from March, the port authority said on Friday.</p>"
                + "<p>Tickets bought for the old pier stay valid until the end of the season.</p>"
                + "</div></body></html>";
        assertThat(extract("two-heads", html))
                .contains("The harbour ferry will stop at the new pier")
                .contains("stay valid until the end of the season");
    }

    /**
     * The story sits inside a box named "byline" that the page never closed: the strict pass skips the
     * name and keeps only the headline and a few titles, so the lenient pass is tried and wins.
     */
    @Test
    void articleInsideAnUnclosedBylineBoxIsFound() {
        String t = extract("article-inside-byline.html");
        assertThat(t)
                .contains("The city council voted on Wednesday night to build separated cycle lanes")
                .contains("divided from traffic by a low kerb rather than painted lines")
                .contains("when the old town is closed to cars for a week")
                .doesNotContain("Bus fares to rise in March")
                .doesNotContain("All rights reserved");
    }

    /**
     * A photo post whose prose sits in the caption-named boxes beside its pictures: the strict pass skips
     * them and keeps the frames' repeated "click the photo" line, which holds less text than the skipped
     * boxes, so the page is read again with caption boxes as text. The sidebar and the frames' line still go.
     */
    @Test
    void photoPostWithItsProseInCaptionBoxesIsFound() {
        String t = extract("photo-post-prose-in-caption-boxes.html");
        assertThat(t)
                .contains("The fair filled both halls of the exhibition centre this year")
                .contains("which my wife will tell you is also as every year.")
                .contains("The best layout of the show was a harbour town")
                .contains("when the baseboard is finished.")
                .doesNotContain("Recent posts")
                .doesNotContain("Ballast, again");
    }

    /**
     * A post pasted from a word processor into the span its byline came in ("byline-author" spans around
     * whole paragraphs): a byline names the author in a few words, so a byline box holding a paragraph of
     * prose, with more text than the strict pass kept around it, is read as text.
     */
    @Test
    void postPastedIntoItsBylineSpansIsFound() {
        String t = extract("post-pasted-into-byline-spans.html");
        assertThat(t)
                .contains("From the first of June every book you borrow from the city library")
                .contains("A reading room for the whole day")
                .contains("The old newspaper store on the second floor")
                .contains("The reading room has no booking system.")
                .doesNotContain("April 2012")
                .doesNotContain("Older Post");
    }

    /**
     * A list in the article whose items are mostly prose, one of them mostly a linked bug title: the list
     * as a whole has few links, so the item is content (Readability judges a list by the whole list); the
     * menu beside it, links throughout, still goes.
     */
    @Test
    void aLinkedItemOfAProseListStays() {
        String html = "<html><head><title>Weekly update</title></head><body>"
                + "<ul class=menu><li><a href=/>Home</a></li><li><a href=/news>News</a></li><li><a href=/blog>Blog"
                + " archive</a></li></ul><div class=post>"
                + "<p>This week the team finished the work on printing and started on the new download manager.</p>"
                + "<ul><li>Printing now supports page ranges that are not contiguous, which many people asked for"
                + " over the years.</li>"
                + "<li><a href=/b/1>Bug 4411 - the print preview froze on very long pages</a> was fixed.</li>"
                + "<li>The settings page loads about a third faster on older machines with slow disks.</li></ul>"
                + "<p>Next week we will look at the crash reports that came in after the last release.</p>"
                + "</div></body></html>";
        assertThat(extract("prose-list", html))
                .contains("Printing now supports page ranges")
                .contains("Bug 4411 - the print preview froze on very long pages")
                .contains("loads about a third faster")
                .doesNotContain("Blog archive");
    }

    /**
     * The standfirst (a summary sentence under the headline) sits in the article's header box, above the
     * declared body: it is part of the article; the kicker, credit, byline and date around it are not.
     */
    @Test
    void standfirstInTheArticleHeaderIsKept() {
        assertThat(extract("recall-standfirst-in-article-header.html"))
                .contains("The network under the streets is more than a century old")
                .contains("A series of small fires under the pavement")
                .contains("it inspects the busiest vaults after every storm.")
                .doesNotContain("Supported by readers")
                .doesNotContain("By Ann Example");
    }

    /**
     * The page's header is never closed, so by HTML's rules everything after it lies inside it; the
     * strict pass skips page headers and finds nothing, and the lenient pass judges the header by its size
     * like a weakly named box, which keeps the article.
     */
    @Test
    void articleInsideAPageHeaderNeverClosedIsFound() {
        assertThat(extract("recall-unclosed-page-header.html"))
                .contains("The harbour town is known across the region for its old warehouses")
                .contains("valid for the museum and the lighthouse on the same day.");
    }

    /**
     * The lead the page also gives as its meta description (the social one; the search engines' is shorter),
     * set in the page's header above the article element (outside it, in a box of its own): the
     * article's, though the container holds only the body.
     */
    @Test
    void theLeadRepeatingTheMetaDescriptionStays() {
        String lead = "The old paper mill on Water Street will become a school for three hundred children, the council"
                + " decided on Monday after a year of debate.";
        String html = "<html><head><title>Mill becomes a school - Town News</title>"
                + "<meta name=\"description\" content=\"The council turns the old mill into a school, after a year.\">"
                + "<meta property=\"og:description\" content=\"" + lead.replace("a year", "a&nbsp;year") + "\">"
                + "</head><body><div class=menu><a href=/>Home</a> <a href=/town>Town</a></div>"
                + "<div class=page-intro><h1>Mill becomes a school</h1><div class=intro-text>" + lead + "</div>"
                + "<span>By Ann Example, 3 March 2020</span></div>"
                + "<article><p>The building has stood empty since the mill closed in 2009, and several plans to turn it"
                + " into flats came to nothing because the ground floor floods every few winters.</p>"
                + "<p>The school will raise the floor by a metre and keep the brick walls and the tall windows that"
                + " the town's residents asked the council to save when the plans were first shown.</p>"
                + "<p>Building work starts in the summer and the first classes are planned for the autumn of next"
                + " year, if the money from the county arrives as promised.</p></article>"
                + "<div class=foot>Town News</div></body></html>";
        assertThat(extract("lead-meta-description", html))
                .contains("will become a school for three hundred children")
                .contains("if the money from the county arrives as promised")
                .doesNotContain("By Ann Example");
        assertThat(descriptions(html)).hasSize(2).last().asString().startsWith("the old paper mill on water street");
    }

    /**
     * The lead in the page's header, which the description retells shortened by a few words ("in the
     * morning" and "after a long debate" cut): the article's, as when the description repeats it.
     */
    @Test
    void theLeadTheMetaDescriptionRetellsStays() {
        String lead = "Wie viele Kinder dürfen in der alten Mühle am Wasser in Zukunft lernen, und wann beginnen die"
                + " Bauarbeiten? Der Rat hat am Montagmorgen nach langer Debatte entschieden.";
        String html = "<html><head><title>Mühle wird Schule - Stadtnachrichten</title>"
                + "<meta name=\"description\" content=\"Wie viele Kinder dürfen in der alten Mühle lernen, und wann"
                + " beginnen die Bauarbeiten? Der Rat hat am Montag entschieden.\">"
                + "</head><body><div class=menu><a href=/>Start</a> <a href=/stadt>Stadt</a></div>"
                + "<div class=page-intro><div class=kicker>Mühle wird Schule</div><div class=intro-text>" + lead
                + "</div><span>Von Anna Beispiel, 3. März 2020</span></div>"
                + "<article><p>Das Gebäude steht leer, seit die Mühle 2009 geschlossen wurde, und mehrere Pläne für"
                + " Wohnungen scheiterten, weil das Erdgeschoss alle paar Winter überflutet wird.</p>"
                + "<p>Die Schule wird den Boden um einen Meter anheben und die Backsteinmauern und die hohen Fenster"
                + " erhalten, die die Bewohner der Stadt retten wollten, als die Pläne gezeigt wurden.</p>"
                + "<p>Die Bauarbeiten beginnen im Sommer, und die ersten Klassen sind für den Herbst des nächsten"
                + " Jahres geplant, wenn das Geld des Landkreises wie versprochen kommt.</p></article>"
                + "<div class=foot>Stadtnachrichten</div></body></html>";
        assertThat(extract("lead-meta-description-retold", html))
                .contains("Wie viele Kinder dürfen in der alten Mühle am Wasser")
                .contains("wenn das Geld des Landkreises wie versprochen kommt")
                .doesNotContain("Von Anna Beispiel");
    }

    /**
     * Each paragraph of the story sits in a wrapper named for the paragraph and the advert slot beside it
     * ("section-and-ad"): the name joins two parts with "and", so its "ad" does not make the wrapper an
     * advert, while the advert slot itself and a box named for two boilerplate parts still go.
     */
    @Test
    void aWrapperNamedForTextAndAdvertIsNotAnAdvert() {
        String html = "<html><head><title>Bridge to close - Town News</title></head><body>"
                + "<div class=menu><a href=/>Home</a> <a href=/town>Town</a></div>"
                + "<h1>Bridge to close</h1><div class=article-content>"
                + "<div class=section-and-ad><div class=section-text>The city council voted on Tuesday to close the old"
                + " bridge over the river for repairs that engineers say cannot wait another winter.</div>"
                + "<div class=ad-slot>Advertisement: cheap flights to the sun this winter</div></div>"
                + "<div class=section-and-ad><div class=section-text>Traffic will be sent over the northern crossing,"
                + " which adds about ten minutes to the drive from the harbour to the town centre.</div></div>"
                + "<div class=section-and-ad><div class=section-text>The work is expected to take eight months and to"
                + " cost the city a little over four million.</div></div>"
                + "<div class=share-and-subscribe>Share this story with your friends and follow the council on the"
                + " radio every morning</div></div></body></html>";
        assertThat(extract("text-and-ad-wrappers", html))
                .contains("The city council voted on Tuesday to close the old bridge")
                .contains("adds about ten minutes to the drive")
                .contains("a little over four million")
                .doesNotContain("cheap flights")
                .doesNotContain("follow the council");
    }

    private static java.util.List<String> descriptions(String html) {
        TextBlockBuilder blocks = new TextBlockBuilder(false, false, false, new PageNames());
        HtmlTokenizer.tokenize(html, new ImpliedHeadEnd(blocks));
        return MetaDescription.of(blocks.finish().metaTags());
    }

    /** A blog post around a sentence that is mostly a link, for the inline-link tests. */
    private static String linkedPost(String middle, String end) {
        return "<html><head><title>Game night</title></head><body>"
                + "<ul class=menu><li><a href=/>Home</a></li><li><a href=/games>Games</a></li></ul><div class=post>"
                + "<p>Casual party games are a fine way to bring friends who never play board games to the table,"
                + " and for those who do they make a pleasant break between two long strategy games.</p>"
                + middle
                + "<p>Games like this are easy to learn, play quickly and can be found in almost any shop, from the"
                + " small game store on the corner to the big chains in the mall outside town.</p>"
                + end
                + "</div><div class=side><p><a href=/about>About this blog and the people who write it</a></p></div>"
                + "</body></html>";
    }

    /**
     * A sentence of the post that is mostly its link, between the post's paragraphs, is one of its
     * sentences, not navigation; a labelled teaser there ("Read more: …") still goes.
     */
    @Test
    void aLinkedSentenceBetweenThePostsParagraphsStays() {
        String html = linkedPost(
                "<p>This week's new episode is about <a href=/ep/12>a quick, easy and thoroughly silly party game"
                        + " called Say Anything</a>.</p>"
                        + "<p>Don't miss: <a href=/news/7>Board game cafes are opening in every town this year</a>.</p>",
                "");
        assertThat(extract("linked-sentence", html))
                .contains("This week's new episode is about a quick, easy and thoroughly silly party game")
                .contains("can be found in almost any shop")
                .doesNotContain("Board game cafes");
    }

    /**
     * A list of links that the post's own paragraph introduces with a colon, with the post going on below
     * it, is the post's list; a list of links ending the post stays dropped, however it is introduced.
     */
    @Test
    void aListOfLinksThePostIntroducesStays() {
        String html = linkedPost(
                "<p>The special issue we edited is out today, and every article in it is free to read:</p><ul>"
                        + "<li><a href=/a/1>Publicness on social media: an introduction to the issue</a></li>"
                        + "<li><a href=/a/2>Knock, knock: the imagined audience of a status update</a></li>"
                        + "<li><a href=/a/3>Memorial pages and the visibility of grief online</a></li></ul>",
                "<p>If you liked this issue, you may also want to read these older posts of ours:</p><ul>"
                        + "<li><a href=/p/1>Why we still play card games on the train home</a></li>"
                        + "<li><a href=/p/2>Ten party games for people who hate party games</a></li></ul>");
        assertThat(extract("introduced-list", html))
                .contains("Knock, knock: the imagined audience of a status update")
                .contains("Memorial pages and the visibility of grief online")
                .contains("can be found in almost any shop")
                .doesNotContain("Ten party games");
    }
}
