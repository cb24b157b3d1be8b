package dev.kiln.tokenizer.service;

import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.HuggingFaceTokenizerJson;
import dev.kiln.tokenizer.TiktokenRankFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** An encoding rendered as the files that other tools read. */
final class EncodingFiles {

    private EncodingFiles() {}

    static byte[] tiktoken(Encoding encoding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoding.vocabularySize() * 16);
        try {
            TiktokenRankFile.write(encoding, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] tokenizerJson(Encoding encoding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoding.vocabularySize() * 32);
        try {
            HuggingFaceTokenizerJson.write(encoding, out, HuggingFaceTokenizerJson.MergesFormat.PAIRS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
