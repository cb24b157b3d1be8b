package dev.kiln.inference.engine;

import dev.kiln.inference.sampling.SamplingParams;
import java.util.List;

/**
 * A validated request: prompt tokens, budget, sampling and stop rules.
 *
 * @param prompt        prompt token ids, at least one
 * @param maxNewTokens  tokens to generate at most, at least one
 * @param stop          stop sequences, matched on the decoded text and never emitted
 * @param ignoreEos     keep going past end-of-sequence tokens
 */
public record GenerationRequest(
        int[] prompt, int maxNewTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos) {}
