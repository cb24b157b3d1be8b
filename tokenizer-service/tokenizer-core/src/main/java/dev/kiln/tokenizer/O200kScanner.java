package dev.kiln.tokenizer;

import static dev.kiln.tokenizer.CharClass.LETTER;
import static dev.kiln.tokenizer.CharClass.LOWERISH;
import static dev.kiln.tokenizer.CharClass.NEWLINE;
import static dev.kiln.tokenizer.CharClass.NUMBER;
import static dev.kiln.tokenizer.CharClass.SPACE;
import static dev.kiln.tokenizer.CharClass.UPPERISH;

/**
 * Hand-written matcher for o200k_base's pattern, whose first two branches split words at case changes:
 * <pre>
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * \p{N}{1,3}
 *  ?[^\s\p{L}\p{N}]+[\r\n/]*
 * \s*[\r\n]+
 * \s+(?!\S)
 * \s+
 * </pre>
 * The two letter classes overlap (Lm, Lo and marks are in both), so the regex backtracks; the scanner
 * reproduces the backtracking result directly (see {@link #upperThenLower}).
 */
final class O200kScanner {
    private O200kScanner() {}

    static int pieceEnd(String s, int i, int limit) {
        int cls = ScanSupport.classAt(s, i, limit);
        boolean canPrefix = (cls & (NEWLINE | LETTER | NUMBER)) == 0;
        int afterPrefix = i + ScanSupport.widthAt(s, i, limit);
        int end = -1;
        if (canPrefix && afterPrefix < limit) {
            end = upperThenLower(s, afterPrefix, limit);
        }
        if (end < 0 && (cls & (UPPERISH | LOWERISH)) != 0) {
            end = upperThenLower(s, i, limit);
        }
        if (end < 0 && canPrefix && afterPrefix < limit) {
            end = upperRunThenLower(s, afterPrefix, limit);
        }
        if (end < 0 && (cls & UPPERISH) != 0) {
            end = upperRunThenLower(s, i, limit);
        }
        if (end >= 0) {
            return end + ScanSupport.contraction(s, end, limit, true);
        }
        if ((cls & NUMBER) != 0) {
            end = i;
            for (int n = 0; n < 3 && end < limit && (ScanSupport.classAt(s, end, limit) & NUMBER) != 0; n++) {
                end += ScanSupport.widthAt(s, end, limit);
            }
            return end;
        }
        int k = s.charAt(i) == ' ' && i + 1 < limit ? i + 1 : i;
        if ((ScanSupport.classAt(s, k, limit) & (SPACE | LETTER | NUMBER)) == 0) {
            end = ScanSupport.runWithout(s, k, limit, SPACE | LETTER | NUMBER);
            while (end < limit) {
                char c = s.charAt(end);
                if (c != '\r' && c != '\n' && c != '/') {
                    break;
                }
                end++;
            }
            return end;
        }
        int runEnd = ScanSupport.runWith(s, i, limit, SPACE);
        int afterNewline = ScanSupport.afterLastNewline(s, i, runEnd);
        if (afterNewline > 0) {
            return afterNewline; // \s*[\r\n]+
        }
        return ScanSupport.whitespaceTail(i, runEnd, limit);
    }

    /**
     * {@code U*L+} from start, or -1. Greedy U* takes the whole upper-ish run; if the char after it is
     * lower-case, L+ continues from there. Otherwise the regex gives back run chars one at a time until
     * one of them is also lower-ish (Lm, Lo, marks): the match ends right after the last such char.
     */
    private static int upperThenLower(String s, int start, int limit) {
        int j = start;
        int lastLowerEnd = -1;
        while (j < limit) {
            int cls = ScanSupport.classAt(s, j, limit);
            if ((cls & UPPERISH) == 0) {
                if ((cls & LOWERISH) != 0) {
                    return ScanSupport.runWith(s, j, limit, LOWERISH);
                }
                break;
            }
            j += ScanSupport.widthAt(s, j, limit);
            if ((cls & LOWERISH) != 0) {
                lastLowerEnd = j;
            }
        }
        return lastLowerEnd;
    }

    /** {@code U+L*} from start, or -1 when no upper-ish char is there. */
    private static int upperRunThenLower(String s, int start, int limit) {
        int j = ScanSupport.runWith(s, start, limit, UPPERISH);
        if (j == start) {
            return -1;
        }
        return ScanSupport.runWith(s, j, limit, LOWERISH);
    }
}
