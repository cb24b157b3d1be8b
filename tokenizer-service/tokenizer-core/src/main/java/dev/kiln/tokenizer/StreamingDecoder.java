package dev.kiln.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes ids that arrive one at a time and returns text only for complete characters.
 *
 * <p>A token may end inside a character's UTF-8 bytes (emoji and CJK often span two or three tokens);
 * decoding each token on its own would emit U+FFFD halves. This decoder holds back the trailing bytes
 * of an unfinished character until the ids that complete it arrive. Bytes that can never become a
 * valid character are emitted as U+FFFD at once, so a bad id cannot stall the stream.
 *
 * <p>The ids continue a text (generated tokens after a prompt), so a SentencePiece token's leading
 * space is kept ({@code ▁Paris} → " Paris", as vLLM and TGI stream it); {@link Encoding#decodeBytes}, which
 * decodes a whole sequence as Hugging Face's {@code decode} does, drops the one the encoder prepended.
 *
 * <p>Not thread-safe; one per stream.
 */
public final class StreamingDecoder {
    private final Encoding encoding;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private final ByteArrayOutputStream allBytes = new ByteArrayOutputStream();

    StreamingDecoder(Encoding encoding) {
        this.encoding = encoding;
    }

    /** Adds one id; returns the text completed by it, possibly empty. */
    public String push(int id) {
        byte[] bytes = encoding.tokenBytes(id);
        allBytes.write(bytes, 0, bytes.length);
        if (pending.length < pendingLength + bytes.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        int complete = completePrefix(pending, pendingLength);
        if (complete == 0) {
            return "";
        }
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Ends the stream: returns held-back bytes (an unfinished character becomes U+FFFD). */
    public String finish() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /** True if bytes of an unfinished character are held back. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /** Every byte pushed so far, exactly (the lossless form). */
    public byte[] bytes() {
        return allBytes.toByteArray();
    }

    /**
     * Length of the longest prefix that does not end inside a character that could still be completed.
     * Only a well-formed start of a multi-byte sequence at the very end is held back.
     */
    static int completePrefix(byte[] b, int length) {
        // the last lead byte is at most 3 bytes before the end if a sequence is unfinished
        for (int back = 1; back <= 3 && back <= length; back++) {
            int p = length - back;
            int v = b[p] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for its lead
            }
            int need = Utf8.sequenceLength(v);
            if (need > back && prefixCanComplete(b, p, length)) {
                return p;
            }
            return length;
        }
        return length;
    }

    /** True if b[p, length) is a proper prefix of some valid UTF-8 sequence (checks the second byte's range). */
    private static boolean prefixCanComplete(byte[] b, int p, int length) {
        int lead = b[p] & 0xFF;
        if (length - p >= 2) {
            int second = b[p + 1] & 0xFF;
            int lo = 0x80;
            int hi = 0xBF;
            if (lead == 0xE0) {
                lo = 0xA0;
            } else if (lead == 0xED) {
                hi = 0x9F;
            } else if (lead == 0xF0) {
                lo = 0x90;
            } else if (lead == 0xF4) {
                hi = 0x8F;
            }
            if (second < lo || second > hi) {
                return false;
            }
        }
        return true;
    }
}
