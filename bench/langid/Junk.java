import java.util.Random;

/**
 * Text in no language, for the score calibration and its check: uniformly random lowercase letters, and
 * keyboard mash (runs along and between neighbouring QWERTY keys), in words of 2–9 letters.
 */
final class Junk {
    private static final String[] ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

    static String text(Random rnd, int length) {
        boolean mash = rnd.nextBoolean();
        StringBuilder sb = new StringBuilder(length + 10);
        while (sb.length() < length) {
            if (sb.length() > 0) sb.append(' ');
            int word = 2 + rnd.nextInt(8);
            if (mash) mashWord(rnd, word, sb);
            else for (int i = 0; i < word; i++) sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.substring(0, length).strip();
    }

    private static void mashWord(Random rnd, int length, StringBuilder sb) {
        int row = rnd.nextInt(3), col = rnd.nextInt(ROWS[row].length());
        for (int i = 0; i < length; i++) {
            sb.append(ROWS[row].charAt(col));
            if (rnd.nextInt(4) == 0) row = Math.max(0, Math.min(2, row + (rnd.nextBoolean() ? 1 : -1)));
            col = Math.max(0, Math.min(ROWS[row].length() - 1, col + rnd.nextInt(3) - 1 + (rnd.nextInt(3) == 0 ? 2 : 0)));
        }
    }
}
