package dev.kiln.corpus.pipeline.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.StepResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registered domains from the Public Suffix List, and UT1 block lists (fixture in src/test/resources/ut1). */
class UrlFilterTest {

    static Path ut1() {
        try {
            return Path.of(UrlFilterTest.class.getResource("/ut1").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static UrlFilter filter(List<String> categories) {
        return new UrlFilter(PipelineConfig.UrlFilter.defaults().withUt1(ut1(), categories));
    }

    static String reason(UrlFilter f, String url) {
        StepResult r = f.apply(PipelineDocument.ofText("u", url, "x"));
        return r.kept() ? "kept" : r.reason();
    }

    @Test
    void hostsAreNormalised() {
        assertThat(UrlHosts.host("https://user:secret@WWW.Example.COM:8443/a?b#c"))
                .isEqualTo("www.example.com");
        assertThat(UrlHosts.host("http://example.com./x")).isEqualTo("example.com");
        assertThat(UrlHosts.host("example.com/path")).isEqualTo("example.com");
        assertThat(UrlHosts.host("//cdn.example.com/x.js")).isEqualTo("cdn.example.com");
        assertThat(UrlHosts.host("http://[2001:db8::1]:8080/")).isEqualTo("2001:db8::1");
        assertThat(UrlHosts.host("http://192.0.2.1:80/x")).isEqualTo("192.0.2.1");
        assertThat(UrlHosts.host("https://münchen.example/")).isEqualTo("xn--mnchen-3ya.example");
        assertThat(UrlHosts.host("https://Bücher.de/")).isEqualTo("xn--bcher-kva.de");
        assertThat(UrlHosts.host("https:///nohost")).isNull();
    }

    @Test
    void registeredDomainsFollowThePublicSuffixList() {
        assertThat(UrlHosts.registeredDomain("www.bbc.co.uk")).isEqualTo("bbc.co.uk");
        assertThat(UrlHosts.registeredDomain("a.b.example.com.au")).isEqualTo("example.com.au");
        // a two-label guess gets these wrong: three-label ICANN suffixes, wildcard rules, private suffixes
        assertThat(UrlHosts.registeredDomain("city.kawasaki.jp")).isEqualTo("city.kawasaki.jp");
        assertThat(UrlHosts.registeredDomain("www.foo.kawasaki.jp")).isEqualTo("www.foo.kawasaki.jp");
        assertThat(UrlHosts.registeredDomain("alice.github.io")).isEqualTo("alice.github.io");
        assertThat(UrlHosts.registeredDomain("blog.bob.blogspot.com")).isEqualTo("bob.blogspot.com");
        assertThat(UrlHosts.registeredDomain("docs.city.pvt.k12.ma.us")).isEqualTo("city.pvt.k12.ma.us");
        assertThat(UrlHosts.registeredDomain("co.uk")).isEqualTo("co.uk");
        assertThat(UrlHosts.registeredDomain("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(UrlHosts.registeredDomain("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(UrlHosts.registeredDomain("www.xn--bcher-kva.de")).isEqualTo("xn--bcher-kva.de");
        assertThat(UrlHosts.registeredDomain("localhost")).isEqualTo("localhost");
        // an unlisted TLD is a public suffix (the list's default rule)
        assertThat(UrlHosts.registeredDomain("news.blocked.example")).isEqualTo("blocked.example");
    }

    @Test
    void candidatesStopAtTheIcannRegisteredDomain() {
        assertThat(UrlHosts.candidates("a.b.example.co.uk"))
                .containsExactly("a.b.example.co.uk", "b.example.co.uk", "example.co.uk");
        assertThat(UrlHosts.candidates("alice.github.io")).containsExactly("alice.github.io", "github.io");
        assertThat(UrlHosts.candidates("198.51.100.7")).containsExactly("198.51.100.7");
    }

    @Test
    void ut1DomainsBlockTheirSubdomainsAndNameTheCategory() {
        UrlFilter f = filter(List.of("adult", "gambling", "phishing"));
        assertThat(reason(f, "https://adult-site.example/")).isEqualTo("domain:adult");
        assertThat(reason(f, "https://www.adult-site.example/page")).isEqualTo("domain:adult");
        assertThat(reason(f, "http://user:pw@cdn.adult-site.example:8080/x.jpg"))
                .isEqualTo("domain:adult");
        assertThat(reason(f, "https://shop.blue-films.co.uk/")).isEqualTo("domain:adult");
        assertThat(reason(f, "https://other-films.co.uk/")).isEqualTo("kept");
        // a private suffix: one user's site is blocked, not its neighbours
        assertThat(reason(f, "https://naughty.github.io/index.html")).isEqualTo("domain:adult");
        assertThat(reason(f, "https://nice.github.io/index.html")).isEqualTo("kept");
        assertThat(reason(f, "https://blogspot-adult.blogspot.com/2020/01/post.html"))
                .isEqualTo("domain:adult");
        // IDN written as punycode in the list, Unicode in the URL
        assertThat(reason(f, "https://München.example/")).isEqualTo("domain:adult");
        assertThat(reason(f, "http://198.51.100.7:8000/a")).isEqualTo("domain:adult");
        assertThat(reason(f, "http://198.51.100.8/a")).isEqualTo("kept");
        assertThat(reason(f, "https://live.casino-royal.example/")).isEqualTo("domain:gambling");
        assertThat(reason(f, "https://odds.bet.example.co.uk/")).isEqualTo("subdomain:gambling");
        assertThat(reason(f, "https://example.co.uk/")).isEqualTo("kept");
        assertThat(reason(f, "https://secure.login-bank.example/")).isEqualTo("domain:phishing");
    }

    @Test
    void ut1UrlsBlockTheUrlAndWhatIsBelowIt() {
        UrlFilter f = filter(List.of("adult", "gambling"));
        assertThat(reason(f, "https://news.example.org/adult-section")).isEqualTo("url:adult");
        assertThat(reason(f, "https://news.example.org/adult-section/page2?x=1#top"))
                .isEqualTo("url:adult");
        assertThat(reason(f, "https://news.example.org/adult-sections")).isEqualTo("kept");
        assertThat(reason(f, "https://news.example.org/")).isEqualTo("kept");
        assertThat(reason(f, "http://example.net/gallery/private/1.jpg")).isEqualTo("url:adult");
        assertThat(reason(f, "http://www.example.net/gallery/")).isEqualTo("kept");
        assertThat(reason(f, "https://example.com/video.php?id=42")).isEqualTo("url:adult");
        assertThat(reason(f, "https://example.com/video.php?id=43")).isEqualTo("kept");
        assertThat(reason(f, "https://www.example.org/poker/tables")).isEqualTo("url:gambling");
    }

    @Test
    void onlyConfiguredCategoriesApply() {
        UrlFilter f = filter(List.of("gambling"));
        assertThat(reason(f, "https://adult-site.example/")).isEqualTo("kept");
        assertThat(reason(f, "https://live.casino-royal.example/")).isEqualTo("domain:gambling");
        // the plain lists shipped in the jar still apply, with datatrove's reasons
        assertThat(reason(f, "https://news.blocked.example/page")).isEqualTo("domain");
    }

    @Test
    void unknownCategoryOrDirectoryIsAnActionableError() {
        assertThatThrownBy(() -> filter(List.of("adult", "violence")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'violence'")
                .hasMessageContaining("kiln.corpus.pipeline.ut1-categories")
                .hasMessageContaining("adult, gambling, phishing");
        assertThatThrownBy(() -> new UrlFilter(
                        PipelineConfig.UrlFilter.defaults().withUt1(Path.of("/nonexistent/ut1"), List.of("adult"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kiln.corpus.pipeline.ut1-directory");
    }

    @Test
    void blockListKeepsTheFirstCategoryAndGrows() {
        BlockList b = new BlockList();
        int a = b.category("a"), c = b.category("c");
        for (int i = 0; i < 100_000; i++) b.add("host" + i + ".example", i % 2 == 0 ? a : c);
        b.add("host0.example", c);
        assertThat(b.size()).isEqualTo(100_000);
        assertThat(b.categoryOf("host0.example")).isEqualTo("a");
        assertThat(b.categoryOf("host99999.example")).isEqualTo("c");
        assertThat(b.categoryOf("host100000.example")).isNull();
    }
}
