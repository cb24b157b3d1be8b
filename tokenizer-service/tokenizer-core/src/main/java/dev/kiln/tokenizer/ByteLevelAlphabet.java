package dev.kiln.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's byte-to-character mapping used by Hugging Face byte-level BPE files: every byte is shown as
 * one printable character, so a token's bytes become a JSON-safe string (a space becomes 'Ġ', a line
 * feed 'Ċ'). Printable Latin-1 bytes stand for themselves; the other 68 map to U+0100 onwards in
 * byte order.
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (0x100 + next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevelAlphabet() {}

    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** The bytes a byte-level token string stands for; throws if a char is outside the alphabet. */
    static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("token '" + token + "' has char U+"
                        + Integer.toHexString(c).toUpperCase() + " outside the byte-level alphabet; "
                        + "not a byte-level BPE vocabulary");
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
