package dev.kiln.tokenizer.catalog;

import dev.kiln.tokenizer.BpeTrainer;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.Pretokenizer;
import dev.kiln.tokenizer.Utf8;
import java.util.List;
import java.util.Map;

/**
 * One tokenizer training on the server: the request is checked and a {@link BpeTrainer} started,
 * text arrives in chunks (counted in UTF-8 bytes against the server's limit, never stored), and
 * {@link #finish} trains, saves the encoding in the store and serves it from the catalog.
 * {@link #close} an abandoned session to stop the trainer's threads.
 */
public final class TrainingSession implements AutoCloseable {

    /** What to train, as a client asks for it. An empty pattern means o200k's. */
    public record Request(
            String name,
            String pattern,
            int vocabSize,
            List<String> specialTokens,
            int minFrequency,
            boolean overwrite) {}

    /** The encoding trained and what it took. */
    public record Result(Encoding encoding, long bytesSeen, int merges, double seconds) {}

    /** Pre-tokenizer patterns a request may name instead of writing a regex. */
    public static final Map<String, String> PATTERN_PRESETS = Map.of(
            "gpt2", Pretokenizer.R50K_PATTERN,
            "r50k", Pretokenizer.R50K_PATTERN,
            "cl100k", Pretokenizer.CL100K_PATTERN,
            "o200k", Pretokenizer.O200K_PATTERN);

    /** The largest vocabulary a server trains. */
    public static final int MAX_VOCAB = 1 << 20;

    private static final int DEFAULT_MIN_FREQUENCY = 2;

    private final Request request;
    private final BpeTrainer trainer;
    private final EncodingCatalog catalog;
    private final EncodingStore store;
    private final long maxBytes;
    private final long started = System.nanoTime();
    private long bytes;

    private TrainingSession(
            Request request, BpeTrainer trainer, EncodingCatalog catalog, EncodingStore store, long maxBytes) {
        this.request = request;
        this.trainer = trainer;
        this.catalog = catalog;
        this.store = store;
        this.maxBytes = maxBytes;
    }

    /**
     * Checks {@code request} against the catalog and starts training on {@code threads} threads.
     *
     * @throws IllegalArgumentException the request is malformed (names the field)
     * @throws EncodingExistsException the name is taken and overwrite was not asked for
     */
    public static TrainingSession start(
            Request request, EncodingCatalog catalog, EncodingStore store, long maxBytes, int threads) {
        String name = request.name();
        if (catalog.sourceOf(name).orElse(null) == EncodingCatalog.Source.BUILTIN) {
            throw new IllegalArgumentException("config.name '" + name + "' is a built-in encoding; pick another name");
        }
        if (catalog.contains(name) && !request.overwrite()) {
            throw new EncodingExistsException(name);
        }
        String pattern = patternOf(request.pattern());
        int specials = request.specialTokens().size();
        if (request.vocabSize() < 256 + specials + 1 || request.vocabSize() > MAX_VOCAB) {
            throw new IllegalArgumentException("config.vocab_size " + request.vocabSize() + " must be between "
                    + (257 + specials) + " (256 bytes + special tokens + 1 merge) and " + MAX_VOCAB);
        }
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Options(
                name, pattern, request.vocabSize(), request.specialTokens(), minFrequency(request), threads));
        return new TrainingSession(request, trainer, catalog, store, maxBytes);
    }

    private static String patternOf(String requested) {
        if (requested.isEmpty()) {
            return Pretokenizer.O200K_PATTERN;
        }
        String preset = PATTERN_PRESETS.get(requested);
        if (preset != null) {
            return preset;
        }
        // A client's pattern must run in linear time (RE2/J); only the standard patterns, which need
        // look-around, keep their hand-written scanners.
        try {
            Pretokenizer.linear(requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config.pattern is neither a preset " + PATTERN_PRESETS.keySet()
                    + ", a standard tiktoken pattern, nor a regular expression the linear-time engine accepts: "
                    + e.getMessage());
        }
        return requested;
    }

    private static int minFrequency(Request request) {
        return request.minFrequency() == 0 ? DEFAULT_MIN_FREQUENCY : request.minFrequency();
    }

    /**
     * Feeds one chunk of training text.
     *
     * @throws TrainingLimitException the text sent so far exceeds the server's limit
     */
    public void accept(String text) {
        bytes += Utf8.length(text, 0, text.length());
        if (bytes > maxBytes) {
            throw new TrainingLimitException("training text exceeds " + maxBytes
                    + " bytes of UTF-8 (kiln.tokenizer.max-training-bytes): send less text or raise the limit");
        }
        trainer.acceptChunk(text);
    }

    /**
     * Trains on all text accepted, saves the encoding and serves it.
     *
     * @throws NothingLearnedException the text yielded no merge
     */
    public Result finish() {
        Encoding encoding = trainer.train();
        int merges = encoding.ranks().size() - 256;
        if (merges <= 0) {
            throw new NothingLearnedException(
                    "the training text (" + bytes + " bytes) yielded no merge at min_frequency " + minFrequency(request)
                            + "; send more text or lower min_frequency");
        }
        store.saveTrained(encoding, "bytes=" + bytes + " merges=" + merges);
        catalog.add(encoding, EncodingCatalog.Source.TRAINED);
        return new Result(encoding, bytes, merges, (System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
