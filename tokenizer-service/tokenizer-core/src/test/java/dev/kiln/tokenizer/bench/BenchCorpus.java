package dev.kiln.tokenizer.bench;

import dev.kiln.tokenizer.TestCorpora;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The benchmark inputs: Europarl documents, all languages or English only, cut to a byte budget. */
final class BenchCorpus {
    private BenchCorpus() {}

    static final int BYTES = 2_000_000;

    /** Documents whose UTF-8 size adds up to about {@link #BYTES}. */
    static String[] documents(String corpus) {
        List<String> out = new ArrayList<>();
        long bytes = 0;
        for (String doc : TestCorpora.europarl()) {
            if (bytes >= BYTES) {
                break;
            }
            if (corpus.equals("english") && !looksEnglish(doc)) {
                continue;
            }
            out.add(doc);
            bytes += doc.getBytes(StandardCharsets.UTF_8).length;
        }
        return out.toArray(new String[0]);
    }

    static long utf8Bytes(String[] docs) {
        long n = 0;
        for (String d : docs) {
            n += d.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static boolean looksEnglish(String doc) {
        int nonAscii = 0;
        for (int i = 0; i < doc.length(); i++) {
            if (doc.charAt(i) >= 0x80) {
                nonAscii++;
            }
        }
        return nonAscii * 200 < doc.length() && doc.contains(" the ") && doc.contains(" and ");
    }
}
