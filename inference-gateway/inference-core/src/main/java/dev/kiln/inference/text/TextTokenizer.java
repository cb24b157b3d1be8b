package dev.kiln.inference.text;

/** A model's tokenizer as the gateway uses it. */
public interface TextTokenizer {

    /**
     * A completion prompt as Hugging Face encodes it with {@code add_special_tokens=True}: the
     * tokenizer's post-processor adds what the model expects around it (a Llama prompt's BOS);
     * special-token strings the user typed stay plain text.
     */
    int[] encodePrompt(String text);

    /** A decoder for one stream of tokens: text comes out only for complete characters. */
    StreamDecoder streamDecoder();

    interface StreamDecoder {
        /** Text completed by this token, possibly empty. */
        String push(int token);

        /** What is left at the end (an incomplete character becomes U+FFFD). */
        String finish();
    }
}
