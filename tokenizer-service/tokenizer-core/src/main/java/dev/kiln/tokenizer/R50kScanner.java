package dev.kiln.tokenizer;

import static dev.kiln.tokenizer.CharClass.LETTER;
import static dev.kiln.tokenizer.CharClass.NUMBER;
import static dev.kiln.tokenizer.CharClass.SPACE;

/**
 * Hand-written matcher for the GPT-2 pattern of r50k_base and p50k_base:
 * {@code '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s}.
 * Every char matches some branch, so pieces tile the text and only their ends need computing.
 */
final class R50kScanner {
    private R50kScanner() {}

    static int pieceEnd(String s, int i, int limit) {
        char c = s.charAt(i);
        if (c == '\'') {
            int n = ScanSupport.contraction(s, i, limit, false);
            if (n > 0) {
                return i + n;
            }
        }
        int k = i;
        if (c == ' ' && i + 1 < limit) {
            k = i + 1;
        }
        int cls = ScanSupport.classAt(s, k, limit);
        if (k > i && (cls & SPACE) != 0) {
            // a space before more whitespace belongs to the whitespace run
            k = i;
            cls = CharClass.ofChar(c);
        }
        if ((cls & LETTER) != 0) {
            return ScanSupport.runWith(s, k, limit, LETTER);
        }
        if ((cls & NUMBER) != 0) {
            return ScanSupport.runWith(s, k, limit, NUMBER);
        }
        if ((cls & SPACE) == 0) {
            return ScanSupport.runWithout(s, k, limit, LETTER | NUMBER | SPACE);
        }
        int runEnd = ScanSupport.runWith(s, i, limit, SPACE);
        return ScanSupport.whitespaceTail(i, runEnd, limit);
    }
}
