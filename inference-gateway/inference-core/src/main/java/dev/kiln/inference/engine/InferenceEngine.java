package dev.kiln.inference.engine;

import dev.kiln.inference.chat.ChatFormat;
import dev.kiln.inference.chat.ChatMessage;
import dev.kiln.inference.model.BundleConfig;
import dev.kiln.inference.registry.LoadedModel;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.inference.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Entry point for generation shared by the gRPC and HTTP adapters: validates a request against
 * the model it names, resolves sampling defaults and hands it to that model's scheduler.
 */
public final class InferenceEngine {
    public static final int MAX_STOPS = 16;
    public static final int MAX_STOP_LENGTH = 256;

    private final ModelRegistry registry;

    public InferenceEngine(ModelRegistry registry) {
        this.registry = registry;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** A request before validation; exactly one of promptText / promptIds is non-empty. */
    public record Command(
            String model,
            String promptText,
            int[] promptIds,
            MaxNewTokens maxNewTokens,
            SamplingSpec sampling,
            List<String> stop,
            boolean ignoreEos) {

        /** A command with the client's own max_new_tokens. */
        public Command(
                String model,
                String promptText,
                int[] promptIds,
                int maxNewTokens,
                SamplingSpec sampling,
                List<String> stop,
                boolean ignoreEos) {
            this(model, promptText, promptIds, MaxNewTokens.of(maxNewTokens), sampling, stop, ignoreEos);
        }
    }

    /** A queued request, with its prompt's token count. */
    public record Started(GenerationHandle handle, int promptTokens, LoadedModel model) {}

    /**
     * Validates and queues.
     *
     * @throws UnknownModelException      unknown model
     * @throws InvalidRequestException    an invalid field (the message names it and its range)
     * @throws QueueFullException         the model's queue is full
     * @throws ModelUnavailableException  the model is being unloaded or replaced
     */
    public Started generate(Command c, GenerationListener listener) {
        return submit(prepare(c), listener);
    }

    /** A validated request and the model it is for. */
    public record Prepared(LoadedModel model, GenerationRequest request) {
        public int promptTokens() {
            return request.prompt().length;
        }
    }

    /** Validates without queueing; see {@link #generate}. */
    public Prepared prepare(Command c) {
        if (c.model() == null || c.model().isEmpty()) {
            throw new InvalidRequestException("model is required");
        }
        LoadedModel m = registry.get(c.model());
        return new Prepared(m, prepare(m, c));
    }

    /** A chat request before validation: the conversation instead of a prompt. */
    public record ChatCommand(
            String model,
            List<ChatMessage> messages,
            MaxNewTokens maxNewTokens,
            SamplingSpec sampling,
            List<String> stop,
            boolean ignoreEos) {}

    /**
     * Validates a chat without queueing: the conversation becomes the model's prompt through its
     * {@link dev.kiln.inference.chat.ChatFormat} (chat template, else the few-shot conversation
     * prompt and its stop sequences), then it is checked as any prompt is.
     *
     * @throws UnknownModelException    unknown model
     * @throws InvalidRequestException  no messages, an unknown role, or an invalid field as for {@link #prepare(Command)}
     * @throws dev.kiln.inference.chat.ChatTemplateException the model's template failed to render
     */
    public Prepared prepare(ChatCommand c) {
        if (c.model() == null || c.model().isEmpty()) {
            throw new InvalidRequestException("model is required");
        }
        LoadedModel m = registry.get(c.model());
        ChatFormat.Prompt p = m.chat().prompt(c.messages());
        List<String> stop = new ArrayList<>(p.stops());
        if (c.stop() != null) {
            stop.addAll(c.stop());
        }
        Command command =
                new Command(c.model(), p.text(), p.ids(), c.maxNewTokens(), c.sampling(), stop, c.ignoreEos());
        return new Prepared(m, prepare(m, command));
    }

    /**
     * Queues a prepared request.
     *
     * @throws QueueFullException         the model's queue is full
     * @throws ModelUnavailableException  the model is being unloaded or replaced
     */
    public Started submit(Prepared p, GenerationListener listener) {
        GenerationHandle h = p.model().batcher().submit(p.request(), listener);
        return new Started(h, p.promptTokens(), p.model());
    }

    /**
     * Checks a command against a model and resolves it into a scheduler request: the prompt
     * tokenized, max_new_tokens resolved against the context (see {@link MaxNewTokens}), sampling
     * defaults taken from the bundle.
     */
    public static GenerationRequest prepare(LoadedModel m, Command c) {
        boolean hasText = c.promptText() != null && !c.promptText().isEmpty();
        boolean hasIds = c.promptIds() != null && c.promptIds().length > 0;
        if (hasText == hasIds) {
            throw new InvalidRequestException(
                    hasText
                            ? "give either prompt or prompt_token_ids, not both"
                            : "the prompt is empty: set prompt (text) or prompt_token_ids");
        }
        int vocab = m.vocab();
        int[] prompt;
        if (hasIds) {
            prompt = c.promptIds().clone();
            for (int id : prompt) {
                if (id < 0 || id >= vocab) {
                    throw new InvalidRequestException("prompt_token_ids: token " + (id & 0xFFFFFFFFL)
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        } else {
            prompt = m.tokenizer().encodePrompt(c.promptText());
            if (prompt.length == 0) {
                throw new InvalidRequestException("the prompt encodes to no tokens");
            }
        }
        int ctx = m.context();
        if (prompt.length >= ctx) {
            throw new InvalidRequestException("the prompt has " + prompt.length + " tokens; model " + m.name()
                    + " has a context of " + ctx + " (prompt + max_new_tokens must fit)");
        }
        int maxNewTokens = c.maxNewTokens().resolve(prompt.length, ctx);
        if (maxNewTokens < 1) {
            throw new InvalidRequestException("max_new_tokens must be >= 1, got " + maxNewTokens);
        }
        if ((long) prompt.length + maxNewTokens > ctx) {
            throw new InvalidRequestException("prompt (" + prompt.length + " tokens) + max_new_tokens ("
                    + Integer.toUnsignedString(maxNewTokens) + ") exceeds the context of " + ctx
                    + " tokens of model "
                    + m.name() + "; at most " + (ctx - prompt.length) + " new tokens fit");
        }
        List<String> stop = c.stop() == null ? List.of() : c.stop();
        if (stop.size() > MAX_STOPS) {
            throw new InvalidRequestException("stop: at most " + MAX_STOPS + " sequences, got " + stop.size());
        }
        for (String s : stop) {
            if (s == null || s.isEmpty() || s.length() > MAX_STOP_LENGTH) {
                throw new InvalidRequestException(
                        "stop: each sequence must have 1.." + MAX_STOP_LENGTH + " characters");
            }
        }
        SamplingParams sp;
        try {
            sp = resolve(
                    c.sampling() == null ? SamplingSpec.unset() : c.sampling(),
                    m.config().generation());
        } catch (IllegalArgumentException e) { // SamplingParams names the field and its range
            throw new InvalidRequestException(e.getMessage());
        }
        return new GenerationRequest(prompt, maxNewTokens, sp, List.copyOf(stop), c.ignoreEos());
    }

    /** Unset values take generation_config.json's, else the API defaults; then ranges are checked. */
    public static SamplingParams resolve(SamplingSpec s, BundleConfig.GenerationDefaults d) {
        float temperature = s.temperature() != null ? s.temperature() : d.temperature() != null ? d.temperature() : 1f;
        int topK = s.topK() != null ? s.topK() : d.topK() != null ? d.topK() : 0;
        float topP = s.topP() != null ? s.topP() : d.topP() != null ? d.topP() : 1f;
        float minP = s.minP() != null ? s.minP() : d.minP() != null ? d.minP() : 0f;
        float rp = s.repetitionPenalty() != null
                ? s.repetitionPenalty()
                : d.repetitionPenalty() != null ? d.repetitionPenalty() : 1f;
        long seed = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong();
        return new SamplingParams(temperature, topK, topP, minP, rp, seed);
    }
}
