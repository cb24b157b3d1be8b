package dev.kiln.corpus.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.corpus.pipeline.extract.HtmlTextExtractor;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HtmlTextExtractorTest {
    static final HtmlTextExtractor X = new HtmlTextExtractor(PipelineConfig.Extraction.defaults());

    static final String PAGE = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>Bridge reopens</title>
            <style>body{color:red}</style><script>var x = "<p>not text</p>";</script></head>
            <body>
            <header class="site-header"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></header>
            <nav><ul><li><a href="/a">World</a></li><li><a href="/b">Business</a></li></ul></nav>
            <div id="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
            <main>
              <article>
                <h1>The old bridge reopens after two years of repairs</h1>
                <p>The town&rsquo;s old stone bridge reopened on Monday after two years of repairs that cost
                   more than four million euros, the council said.</p>
                <p>Engineers replaced the <b>foundations</b> of three arches and <a href="/x">rebuilt</a> the parapet.</p>
                <h2>What changed</h2>
                <ul><li>New lighting along the footpath</li><li>A wider cycle lane</li></ul>
                <table><tr><th>Year</th><th>Cost</th></tr><tr><td>2023</td><td>1.5 M</td></tr></table>
                <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
              </article>
              <aside class="related"><h3>Related</h3><a href="/1">Another story</a></aside>
            </main>
            <footer><p>Copyright 2024 Town News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
            </body></html>
            """;

    static PipelineDocument html(byte[] bytes, String ct) {
        return PipelineDocument.ofBytes("h", "https://x.example/", bytes, ct);
    }

    @Test
    void keepsArticleDropsBoilerplate() {
        PipelineDocument d = html(PAGE.getBytes(StandardCharsets.UTF_8), "text/html");
        StepResult r = X.apply(d);
        assertThat(r.kept()).isTrue();
        String t = d.text();
        assertThat(t)
                .contains("The old bridge reopens after two years of repairs")
                .contains("The town\u2019s old stone bridge reopened on Monday")
                .contains("Engineers replaced the foundations of three arches and rebuilt the parapet.")
                .contains("What changed")
                .contains("- New lighting along the footpath")
                .contains("Year | Cost")
                .contains("2023 | 1.5 M");
        assertThat(t)
                .doesNotContain("Home")
                .doesNotContain("World")
                .doesNotContain("cookies")
                .doesNotContain("Share on")
                .doesNotContain("Related")
                .doesNotContain("Copyright")
                .doesNotContain("not text")
                .doesNotContain("color:red");
        assertThat(d.metadata()).containsEntry("title", "Bridge reopens").containsEntry("charset", "UTF-8");
    }

    @Test
    void honoursDeclaredCharsetAndDetectsWrongOnes() {
        String body =
                "<html><body><p>Caf\u00e9 cr\u00e8me \u00e0 la fran\u00e7aise, na\u00efve d\u00e9j\u00e0 vu, co\u00fbt \u20ac5.</p></body></html>";
        // HTTP header says windows-1252, bytes are windows-1252
        PipelineDocument a = html(body.getBytes(Charset.forName("windows-1252")), "text/html; charset=windows-1252");
        assertThat(X.apply(a).kept()).isTrue();
        assertThat(a.text()).contains("Caf\u00e9 cr\u00e8me").contains("\u20ac5");
        // meta charset, no HTTP charset
        String withMeta = body.replace(
                "<html>",
                "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head>");
        PipelineDocument b = html(withMeta.getBytes(Charset.forName("windows-1252")), "text/html");
        assertThat(X.apply(b).kept()).isTrue();
        assertThat(b.text()).contains("na\u00efve d\u00e9j\u00e0 vu");
        assertThat(b.metadata()).containsEntry("charset_source", "meta");
        // declared UTF-8 but really windows-1252 (invalid UTF-8): fall back
        PipelineDocument c = html(body.getBytes(Charset.forName("windows-1252")), "text/html; charset=utf-8");
        assertThat(X.apply(c).kept()).isTrue();
        assertThat(c.text()).contains("Caf\u00e9 cr\u00e8me");
        assertThat(c.metadata()).containsEntry("charset_fallback", true).containsEntry("charset", "windows-1252");
        // declared ISO-8859-1 but really UTF-8 (the common mislabel)
        PipelineDocument e = html(body.getBytes(StandardCharsets.UTF_8), "text/html; charset=iso-8859-1");
        assertThat(X.apply(e).kept()).isTrue();
        assertThat(e.text()).contains("Caf\u00e9 cr\u00e8me").doesNotContain("\u00c3");
        // an unknown charset name is ignored, bytes sniffed
        PipelineDocument f = html(body.getBytes(StandardCharsets.UTF_8), "text/html; charset=x-no-such-charset");
        assertThat(X.apply(f).kept()).isTrue();
        assertThat(f.text()).contains("co\u00fbt");
    }

    @Test
    void plainTextPassesThrough() {
        PipelineDocument d = html(
                "line one\r\nline two <not a tag>\n".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        assertThat(X.apply(d).kept()).isTrue();
        assertThat(d.text()).isEqualTo("line one\nline two <not a tag>");
        PipelineDocument t = PipelineDocument.ofText("t", null, "already text");
        assertThat(X.apply(t).kept()).isTrue();
        assertThat(t.text()).isEqualTo("already text");
    }

    @Test
    void pathologicalInputsAreCountedDrops() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThat(X.apply(html(png, "image/png")).reason()).isEqualTo("unsupported_content_type");
        assertThat(X.apply(html(png, "text/html")).reason()).isEqualTo("binary");
        assertThat(X.apply(html(new byte[0], "text/html")).reason()).isEqualTo("empty");
        assertThat(X.apply(html(
                                "<html><body><nav><a href=/>Home</a></nav><script>x()</script></body></html>"
                                        .getBytes(StandardCharsets.UTF_8),
                                "text/html"))
                        .reason())
                .isEqualTo("empty");
        byte[] huge = new byte[(10 << 20) + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertThat(X.apply(html(huge, "text/plain")).reason()).isEqualTo("too_large");
        // random high bytes that are valid in no charset worth the name: replacement characters everywhere
        byte[] junk = new byte[4000];
        new java.util.Random(1).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) if (junk[i] >= 0 && junk[i] < 32) junk[i] = (byte) 0x81;
        StepResult r = X.apply(html(junk, "text/html; charset=utf-8"));
        assertThat(r.kept()).isFalse();
        assertThat(r.reason()).isIn("bad_encoding", "binary");
    }

    @Test
    void linkedIdentifiersInCodeAreContentNotNavigation() {
        String page =
                "<html><body><main><h2>Methods</h2><div><code><a href=\"#a\">appendChild</a>(<a href=\"N.html\">Node</a> child)</code></div>"
                        + "<div>Insert a node to the end of this element's children.</div>"
                        + "<div><a href=\"/x\">Previous page</a> <a href=\"/y\">Next page</a></div></main></body></html>";
        PipelineDocument d = html(page.getBytes(StandardCharsets.UTF_8), "text/html");
        assertThat(X.apply(d).kept()).isTrue();
        assertThat(d.text())
                .contains("appendChild(Node child)")
                .contains("Insert a node")
                .doesNotContain("Previous page");
    }

    @Test
    void toleratesBrokenMarkup() {
        String broken =
                "<html><body><div class=content><p>First paragraph with <b>bold <i>nested</b> text & an ampersand &amp; entity &#233;"
                        + "<p>Second paragraph never closed<li>stray item<table><tr><td>cell<td>other</table><!-- comment <p>hidden</p> -->"
                        + "<p>Last &unknown; words &lt;tag&gt; <script>unterminated";
        PipelineDocument d = html(broken.getBytes(StandardCharsets.UTF_8), null);
        assertThat(X.apply(d).kept()).isTrue();
        assertThat(d.text())
                .contains("First paragraph with bold nested text & an ampersand & entity \u00e9")
                .contains("Second paragraph never closed")
                .contains("cell | other")
                .contains("Last &unknown; words <tag>")
                .doesNotContain("hidden")
                .doesNotContain("unterminated");
    }
}
