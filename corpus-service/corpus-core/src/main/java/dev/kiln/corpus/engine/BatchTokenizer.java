package dev.kiln.corpus.engine;

import java.util.List;

/**
 * Turns kept texts into token ids, many at a time: the corpus service calls the tokenizer
 * service in batches rather than once per document.
 */
public interface BatchTokenizer {

    /** The encoding every batch is tokenized with. */
    EncodingSpec encoding();

    /** The ids of each text, in order; special-token text is encoded as plain text. */
    List<int[]> tokenize(List<String> texts);

    /** Name, vocabulary size and end-of-text id of an encoding. */
    record EncodingSpec(String name, int vocabSize, int eosTokenId) {}
}
