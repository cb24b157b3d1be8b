package dev.kiln.corpus.engine;

/** An input exists but is not what the ingest reads: not a WARC file, a directory without JSONL files. */
public final class UnsupportedInputException extends RuntimeException {
    public UnsupportedInputException(String message) {
        super(message);
    }
}
