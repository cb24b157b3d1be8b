package dev.kiln.corpus.pipeline.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HtmlTokenizerTest {
    /** Records what the lexer reports, one line per event. */
    private static List<String> events(String html) {
        List<String> out = new ArrayList<>();
        HtmlTokenizer.tokenize(html, new HtmlTokenizer.Handler() {
            @Override
            public void text(String h, int from, int to) {
                out.add("text " + h.substring(from, to));
            }

            @Override
            public void startTag(HtmlTokenizer.StartTag tag) {
                out.add("start " + tag);
            }

            @Override
            public void endTag(String name) {
                out.add("end " + name);
            }

            @Override
            public int rawTextElement(HtmlTokenizer.StartTag tag, String h, int from, int to) {
                out.add("raw " + tag.name() + " " + h.substring(from, to));
                return to;
            }
        });
        return out;
    }

    @Test
    void keptAttributesAreFoundInAnyCaseAndOthersPassedOver() {
        assertThat(
                        events(
                                "<DIV CLASS=\"a b\" data-class=x Id=main ROLE='Main' aria-HIDDEN=\"TRUE\" ItemProp=articleBody>t</Div>"))
                .containsExactly(
                        "start StartTag[name=div, cls=a b, id=main, role=Main, style=null, type=null,"
                                + " itemprop=articleBody, hidden=true, selfClosing=false, metaName=null, metaProperty=null,"
                                + " metaContent=null]",
                        "text t",
                        "end div");
        assertThat(events("<p stylex=\"display:none\" hidden/>"))
                .containsExactly(
                        "start StartTag[name=p, cls=null, id=null, role=null, style=null, type=null, itemprop=null,"
                                + " hidden=true, selfClosing=true, metaName=null, metaProperty=null, metaContent=null]");
        // name, property and content are a meta tag's alone: an input's name is passed over
        assertThat(events("ab<meta NAME=description Content=x><META property='og:description' content=\"y z\">"
                        + "<input name=q content=w>"))
                .containsExactly(
                        "text ab",
                        "start StartTag[name=meta, cls=null, id=null, role=null, style=null, type=null, itemprop=null,"
                                + " hidden=false, selfClosing=false, metaName=description, metaProperty=null,"
                                + " metaContent=x]",
                        "start StartTag[name=meta, cls=null, id=null, role=null, style=null, type=null, itemprop=null,"
                                + " hidden=false, selfClosing=false, metaName=null, metaProperty=og:description,"
                                + " metaContent=y z]",
                        "start StartTag[name=input, cls=null, id=null, role=null, style=null, type=null, itemprop=null,"
                                + " hidden=false, selfClosing=false, metaName=null, metaProperty=null, metaContent=null]");
    }

    @Test
    void aRawTextElementRunsToItsOwnEndTagInAnyCase() {
        assertThat(events("<SCRIPT type=x>a</scriptx>b</Script >c"))
                .containsExactly("raw script a</scriptx>b", "text c");
    }

    @Test
    void tagNamesAreLowerCasedAsTheRootLocaleDoesAndSpelledOncePerPage() {
        TagNames names = new TagNames();
        String html = "<DiV><div><Dİv>";
        char[] a = html.toCharArray();
        String first = names.lowerCase(html, a, 1, 4), second = names.lowerCase(html, a, 6, 9);
        assertThat(first).isEqualTo("div").isSameAs(second);
        assertThat(names.lowerCase(html, a, 11, 14)).isEqualTo("Dİv".toLowerCase(Locale.ROOT));
    }

    @Test
    void whiteSpaceIsJavasForEveryCharacter() {
        for (char c = 0; c < Character.MAX_VALUE; c++)
            assertThat(HtmlTokenizer.isWhitespace(c)).as("U+%04X", (int) c).isEqualTo(Character.isWhitespace(c));
    }
}
