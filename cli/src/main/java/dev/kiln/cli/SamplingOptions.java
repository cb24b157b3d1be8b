package dev.kiln.cli;

import dev.kiln.proto.inference.v1.SamplingParams;
import java.util.List;
import picocli.CommandLine.Option;

/** The options generate and chat share: sampling, stops, EOS. */
final class SamplingOptions {

    @Option(
            names = {"-n", "--max-new-tokens"},
            defaultValue = "128",
            description = "Tokens to generate at most. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--temperature", description = "0 = greedy; range 0..2 (model default, else 1).")
    Float temperature;

    @Option(names = "--top-k", description = "Keep the K most likely tokens; 0 = off.")
    int topK;

    @Option(names = "--top-p", description = "Nucleus sampling, (0, 1].")
    Float topP;

    @Option(names = "--min-p", description = "Drop tokens below min-p × the top probability, 0..1.")
    float minP;

    @Option(names = "--repetition-penalty", description = "CTRL-style penalty, (0, 10]; 1 = off.")
    Float repetitionPenalty;

    @Option(names = "--seed", description = "Same seed, same model, same output.")
    Long seed;

    @Option(
            names = "--stop",
            paramLabel = "TEXT",
            description = "End when the output contains TEXT (not printed); repeatable.")
    List<String> stops = List.of();

    @Option(names = "--ignore-eos", description = "Keep generating past the end-of-sequence token.")
    boolean ignoreEos;

    SamplingParams sampling() {
        SamplingParams.Builder sampling =
                SamplingParams.newBuilder().setTopK(topK).setMinP(minP);
        if (temperature != null) {
            sampling.setTemperature(temperature);
        }
        if (topP != null) {
            sampling.setTopP(topP);
        }
        if (repetitionPenalty != null) {
            sampling.setRepetitionPenalty(repetitionPenalty);
        }
        if (seed != null) {
            sampling.setSeed(seed);
        }
        return sampling.build();
    }
}
