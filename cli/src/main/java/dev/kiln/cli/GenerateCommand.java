package dev.kiln.cli;

import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.SamplingParams;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Streams a model's continuation of a prompt to the terminal as it is generated.",
        footer = {"", "Example:  kiln generate --model tiny --max-new-tokens 64 --temperature 0.8 --seed 1 'The cat'"})
final class GenerateCommand extends ServiceCommand {

    @Option(
            names = {"-m", "--model"},
            required = true,
            description = "A loaded model (see `kiln models`).")
    String model;

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

    @Option(names = "--usage", description = "Print token counts and the finish reason to stderr at the end.")
    boolean usage;

    @Parameters(
            arity = "1..*",
            paramLabel = "PROMPT",
            description = "The prompt (words are joined by spaces), or - to read standard input.")
    List<String> prompt;

    @Override
    public Integer call() {
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
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt(Inputs.text(prompt, System.in))
                .setMaxNewTokens(maxNewTokens)
                .setSampling(sampling)
                .addAllStop(stops)
                .setIgnoreEos(ignoreEos)
                .build();
        PrintWriter out = out();
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            // No deadline: a long generation is the point; Ctrl-C cancels the call.
            Iterator<GenerateResponse> responses =
                    InferenceServiceGrpc.newBlockingStub(channel.channel()).generate(request);
            GenerateResponse last = GenerateResponse.getDefaultInstance();
            int promptTokens = 0;
            while (responses.hasNext()) {
                last = responses.next();
                if (last.hasUsage() && promptTokens == 0) {
                    promptTokens = last.getUsage().getPromptTokens();
                }
                out.print(last.getText());
                out.flush();
            }
            out.println();
            out.flush();
            if (usage) {
                err().printf(
                                "%d prompt tokens, %d completion tokens, finish: %s%n",
                                promptTokens,
                                last.getUsage().getCompletionTokens(),
                                last.getFinishReason()
                                        .name()
                                        .replace("FINISH_REASON_", "")
                                        .toLowerCase());
                err().flush();
            }
        }
        return 0;
    }
}
