package dev.kiln.corpus.pipeline.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;

/**
 * The article text a page declares in its JSON-LD ({@code "articleBody"} of a schema.org Article,
 * NewsArticle, BlogPosting ..., anywhere in the graph; a HowTo's description and its steps' text, the body
 * of a how-to page). News sites that render the article with script often still ship it here, so it is
 * the fallback when the markup gives little or nothing.
 */
final class JsonLdArticle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLdArticle() {}

    /** The longest articleBody among the page's JSON-LD scripts, as plain text; "" when none. */
    static String body(List<String> scripts) {
        String best = "";
        for (String s : scripts) {
            if (!s.contains("articleBody") && !s.contains("HowTo")) continue;
            try {
                String b = longest(JSON.readTree(s.strip()));
                if (b.length() > best.length()) best = b;
            } catch (JsonProcessingException e) {
                // pages ship broken JSON-LD often enough; the markup is still there
            }
        }
        if (best.indexOf('<') >= 0) best = Jsoup.parse(best).wholeText();
        return best.strip();
    }

    private static String longest(JsonNode n) {
        String best = "";
        if (n == null) return best;
        if (n.isObject()) {
            if (isHowTo(n.get("@type"))) best = howTo(n);
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String c = e.getKey().equals("articleBody") && e.getValue().isTextual()
                        ? e.getValue().asText()
                        : longest(e.getValue());
                if (c.length() > best.length()) best = c;
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                String s = longest(c);
                if (s.length() > best.length()) best = s;
            }
        }
        return best;
    }

    private static boolean isHowTo(JsonNode type) {
        if (type == null) return false;
        if (type.isTextual()) return type.asText().equals("HowTo");
        for (JsonNode t : type) if (t.isTextual() && t.asText().equals("HowTo")) return true;
        return false;
    }

    /**
     * A HowTo's text: its description, then the text of each step in order. Steps are strings, HowToStep
     * objects with a text, or HowToSections and HowToSteps whose itemListElement holds further steps,
     * directions and tips.
     */
    private static String howTo(JsonNode howTo) {
        StringBuilder out = new StringBuilder();
        JsonNode description = howTo.get("description");
        if (description != null && description.isTextual()) out.append(description.asText());
        steps(howTo.get("step"), out);
        return out.toString();
    }

    private static void steps(JsonNode n, StringBuilder out) {
        if (n == null) return;
        if (n.isTextual()) {
            out.append('\n').append(n.asText());
        } else if (n.isArray()) {
            for (JsonNode c : n) steps(c, out);
        } else if (n.isObject()) {
            JsonNode text = n.get("text");
            if (text != null && text.isTextual()) out.append('\n').append(text.asText());
            steps(n.get("itemListElement"), out);
        }
    }
}
