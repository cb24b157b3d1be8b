package dev.kiln.tokenizer;

import static dev.kiln.tokenizer.CharClass.LETTER;
import static dev.kiln.tokenizer.CharClass.NEWLINE;
import static dev.kiln.tokenizer.CharClass.NUMBER;
import static dev.kiln.tokenizer.CharClass.SPACE;

/**
 * Hand-written matcher for cl100k_base's pattern:
 * {@code '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s}.
 */
final class Cl100kScanner {
    private Cl100kScanner() {}

    /**
     * @param legacy the pre-2024 spelling ({@code ...|\s*[\r\n]+|\s+(?!\S)|\s+}, also Llama 3's),
     *               which has no {@code \s++$} branch
     */
    static int pieceEnd(String s, int i, int limit, boolean legacy) {
        char c = s.charAt(i);
        if (c == '\'') {
            int n = ScanSupport.contraction(s, i, limit, true);
            if (n > 0) {
                return i + n;
            }
        }
        int cls = ScanSupport.classAt(s, i, limit);
        if ((cls & LETTER) != 0) {
            return ScanSupport.runWith(s, i, limit, LETTER);
        }
        if ((cls & (NEWLINE | NUMBER)) == 0) {
            // [^\r\n\p{L}\p{N}] may prefix a letter run: " word", "(word", "😀word"
            int k = i + ScanSupport.widthAt(s, i, limit);
            if (k < limit && (ScanSupport.classAt(s, k, limit) & LETTER) != 0) {
                return ScanSupport.runWith(s, k, limit, LETTER);
            }
        }
        if ((cls & NUMBER) != 0) {
            int end = i;
            for (int n = 0; n < 3 && end < limit && (ScanSupport.classAt(s, end, limit) & NUMBER) != 0; n++) {
                end += ScanSupport.widthAt(s, end, limit);
            }
            return end;
        }
        int k = c == ' ' && i + 1 < limit ? i + 1 : i;
        if ((ScanSupport.classAt(s, k, limit) & (SPACE | LETTER | NUMBER)) == 0) {
            int end = ScanSupport.runWithout(s, k, limit, SPACE | LETTER | NUMBER);
            while (end < limit && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) {
                end++;
            }
            return end;
        }
        int runEnd = ScanSupport.runWith(s, i, limit, SPACE);
        if (runEnd == limit && !legacy) {
            return runEnd; // \s++$
        }
        int afterNewline = ScanSupport.afterLastNewline(s, i, runEnd);
        if (afterNewline > 0) {
            return afterNewline; // \s*[\r\n]
        }
        return ScanSupport.whitespaceTail(i, runEnd, limit);
    }
}
