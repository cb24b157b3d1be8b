package dev.kiln.inference.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of the gateway, under {@code kiln.inference}. See the README for every key. */
@ConfigMapping(prefix = "kiln.inference")
public interface GatewayConfig {

    /** A directory of bundles loaded at start: each subdirectory (or the directory itself) is one, named after it. */
    Optional<Path> modelsDir();

    /**
     * Directories LoadModel's {@code path} and every kiln.models event's bundle path must lie in,
     * symbolic links followed (a relative LoadModel path resolves against the first). Unset: the
     * models dir, else {@code data/models} (where a trainer started in the same directory exports).
     */
    Optional<List<String>> modelRoots();

    /** cpu or cuda. cuda falls back to cpu, with the reason logged, when the provider cannot be registered. */
    @WithDefault("cpu")
    String executionProvider();

    /** GPU ordinal for cuda. */
    @WithDefault("0")
    int cudaDevice();

    /** ONNX Runtime intra-op threads per model session; 0 = ONNX Runtime's default (all cores). */
    @WithDefault("1")
    int intraOpThreads();

    /** Requests decoding together per model (one ONNX Runtime call per step for all of them). */
    @WithDefault("32")
    int maxBatch();

    /**
     * Prompt tokens prefilled between two decode steps while other requests decode: a long
     * prompt is prefilled in chunks of this size, so it delays the running streams by one chunk
     * per step instead of its whole length.
     */
    @WithDefault("512")
    int prefillChunkTokens();

    /** Requests waiting per model beyond the running batch; more get RESOURCE_EXHAUSTED. */
    @WithDefault("64")
    int queueCapacity();

    Kafka kafka();

    Chat chat();

    RateLimit rateLimit();

    interface Kafka {
        /** Listen to ModelPublished events. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("kiln.models")
        String topic();

        /** Replay the topic from its start when the gateway starts (latest event per model name wins). */
        @WithDefault("true")
        boolean fromBeginning();
    }

    /**
     * Per API key budgets for generation (Generate, /v1/completions, /v1/chat/completions). Off by
     * default: the local stack has one user. A rate of 0 leaves that dimension unlimited.
     */
    interface RateLimit {
        @WithDefault("false")
        boolean enabled();

        /** Generation requests per second per key, refilled continuously. */
        @WithDefault("10")
        double requestsPerSecond();

        /** Requests a key may send at once before the per-second rate applies. */
        @WithDefault("20")
        int requestBurst();

        /** Generated tokens per minute per key; a stream that overruns it finishes, the next request waits. */
        @WithDefault("100000")
        long tokensPerMinute();
    }

    interface Chat {
        /**
         * Few-shot conversation prompt that turns a base model into an assistant. The chat turns
         * are appended as "User: ...\nAssistant: ..." lines after it.
         */
        @WithDefault("The following is a conversation between a curious user and a helpful, honest assistant.\n\n"
                + "User: What is the capital of France?\nAssistant: The capital of France is Paris.\n"
                + "User: Can you name three primary colours?\nAssistant: Red, yellow and blue.\n")
        String defaultPrompt();

        /** Per-model prompts, replacing the default: kiln.inference.chat.prompts."model-name"=... */
        Map<String, String> prompts();
    }
}
