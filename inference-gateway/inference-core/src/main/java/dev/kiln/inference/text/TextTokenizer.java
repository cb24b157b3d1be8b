package dev.kiln.inference.text;

/** A model's tokenizer as the gateway uses it. */
public interface TextTokenizer {

    int[] encode(String text);

    /** A decoder for one stream of tokens: text comes out only for complete characters. */
    StreamDecoder streamDecoder();

    interface StreamDecoder {
        /** Text completed by this token, possibly empty. */
        String push(int token);

        /** What is left at the end (an incomplete character becomes U+FFFD). */
        String finish();
    }
}
