package dev.kiln.cli;

import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    SamplingOptions options;

    @Option(names = "--usage", description = "Print token counts and the finish reason to stderr at the end.")
    boolean usage;

    @Parameters(
            arity = "1..*",
            paramLabel = "PROMPT",
            description = "The prompt (words are joined by spaces), or - to read standard input.")
    List<String> prompt;

    @Override
    public Integer call() {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt(Inputs.text(prompt, System.in))
                .setMaxNewTokens(options.maxNewTokens)
                .setSampling(options.sampling())
                .addAllStop(options.stops)
                .setIgnoreEos(options.ignoreEos)
                .build();
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            // No deadline: a long generation is the point; Ctrl-C cancels the call.
            StreamedAnswer answer = StreamedAnswer.print(
                    InferenceServiceGrpc.newBlockingStub(channel.channel()).generate(request), out());
            if (usage) {
                answer.printUsage(err());
            }
        }
        return 0;
    }
}
