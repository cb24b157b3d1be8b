package dev.kiln.tokenizer.service;

import dev.kiln.proto.tokenizer.v1.EncodingSource;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerConfig;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse;
import dev.kiln.tokenizer.BpeTrainer;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.Pretokenizer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One TrainTokenizer call: the first message configures a {@link BpeTrainer}, text chunks feed it
 * as they arrive (counted, not stored), and the end of the stream trains, saves and serves the
 * encoding. A cancelled call stops the trainer's threads.
 */
final class TokenizerTraining implements StreamObserver<TrainTokenizerRequest> {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Map<String, String> PRESETS = Map.of(
            "gpt2", Pretokenizer.R50K_PATTERN,
            "r50k", Pretokenizer.R50K_PATTERN,
            "cl100k", Pretokenizer.CL100K_PATTERN,
            "o200k", Pretokenizer.O200K_PATTERN);
    private static final int MAX_VOCAB = 1 << 20;

    private final StreamObserver<TrainTokenizerResponse> response;
    private final EncodingCatalog catalog;
    private final EncodingStore store;
    private final long maxBytes;
    private TrainTokenizerConfig config;
    private BpeTrainer trainer;
    private long bytes;
    private boolean finished;
    private final long started = System.nanoTime();

    TokenizerTraining(
            StreamObserver<TrainTokenizerResponse> response,
            EncodingCatalog catalog,
            EncodingStore store,
            long maxBytes) {
        this.response = response;
        this.catalog = catalog;
        this.store = store;
        this.maxBytes = maxBytes;
    }

    @Override
    public void onNext(TrainTokenizerRequest request) {
        if (finished) {
            return;
        }
        try {
            if (request.hasConfig()) {
                if (trainer != null) {
                    throw invalid("only the first message may carry a config");
                }
                start(request.getConfig());
            } else {
                if (trainer == null) {
                    throw invalid("the first message must carry the config (name, vocab_size ...), not text");
                }
                bytes += request.getText().length();
                if (bytes > maxBytes) {
                    throw Status.RESOURCE_EXHAUSTED
                            .withDescription(
                                    "training text exceeds " + maxBytes + " chars (kiln.tokenizer.max-training-bytes)")
                            .asRuntimeException();
                }
                trainer.acceptChunk(request.getText());
            }
        } catch (StatusRuntimeException e) {
            fail(e);
        }
    }

    private void start(TrainTokenizerConfig cfg) {
        if (!NAME.matcher(cfg.getName()).matches()) {
            throw invalid("config.name '" + cfg.getName() + "' must be 1 to 64 letters, digits, '_', '-' or '.'");
        }
        if (catalog.sourceOf(cfg.getName()) == EncodingSource.ENCODING_SOURCE_BUILTIN) {
            throw invalid("config.name '" + cfg.getName() + "' is a built-in encoding; pick another name");
        }
        if (catalog.contains(cfg.getName()) && !cfg.getOverwrite()) {
            throw Status.ALREADY_EXISTS
                    .withDescription("encoding '" + cfg.getName() + "' exists; set overwrite to replace it")
                    .asRuntimeException();
        }
        String pattern = cfg.getPattern().isEmpty()
                ? Pretokenizer.O200K_PATTERN
                : PRESETS.getOrDefault(cfg.getPattern(), cfg.getPattern());
        if (!PRESETS.containsKey(cfg.getPattern()) && !cfg.getPattern().isEmpty()) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw invalid("config.pattern is neither a preset " + PRESETS.keySet()
                        + " nor a valid regular expression: " + e.getDescription());
            }
        }
        List<String> specials = new ArrayList<>(cfg.getSpecialTokensList());
        if (cfg.getVocabSize() < 256 + specials.size() + 1 || cfg.getVocabSize() > MAX_VOCAB) {
            throw invalid("config.vocab_size " + cfg.getVocabSize() + " must be between " + (257 + specials.size())
                    + " (256 bytes + special tokens + 1 merge) and " + MAX_VOCAB);
        }
        int minFrequency = cfg.getMinFrequency() == 0 ? 2 : cfg.getMinFrequency();
        config = cfg;
        try {
            trainer = new BpeTrainer(new BpeTrainer.Options(
                    cfg.getName(),
                    pattern,
                    cfg.getVocabSize(),
                    specials,
                    minFrequency,
                    Runtime.getRuntime().availableProcessors()));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    @Override
    public void onError(Throwable t) {
        finished = true;
        if (trainer != null) {
            trainer.close();
        }
    }

    @Override
    public void onCompleted() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (trainer == null) {
                throw invalid("the stream carried no config: send TrainTokenizerConfig first, then text");
            }
            Encoding encoding = trainer.train();
            int merges = encoding.ranks().size() - 256;
            if (merges <= 0) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("the training text (" + bytes
                                + " chars) yielded no merge at min_frequency " + Math.max(2, config.getMinFrequency())
                                + "; send more text or lower min_frequency")
                        .asRuntimeException();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            store.saveTrained(encoding, "chars=" + bytes + " merges=" + merges);
            catalog.add(encoding, EncodingSource.ENCODING_SOURCE_TRAINED);
            response.onNext(TrainTokenizerResponse.newBuilder()
                    .setEncoding(ProtoMapping.info(encoding, EncodingSource.ENCODING_SOURCE_TRAINED))
                    .setBytesSeen(bytes)
                    .setMerges(merges)
                    .setSeconds(seconds)
                    .build());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        } catch (RuntimeException e) {
            response.onError(RequestErrors.statusOf(e).asRuntimeException());
        }
    }

    private void fail(StatusRuntimeException e) {
        finished = true;
        if (trainer != null) {
            trainer.close();
        }
        response.onError(e);
    }

    private static StatusRuntimeException invalid(String message) {
        return RequestErrors.invalid(message);
    }
}
