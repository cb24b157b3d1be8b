package dev.kiln.cli;

import dev.kiln.proto.tokenizer.v1.DetokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "detokenize",
        mixinStandardHelpOptions = true,
        description = "Decodes token ids into text.",
        footer = {
            "",
            "Examples:  kiln detokenize 15339 1917",
            "           kiln tokenize hello world | kiln detokenize -"
        })
final class DetokenizeCommand extends ServiceCommand {

    @Option(
            names = {"-e", "--encoding"},
            defaultValue = "cl100k_base",
            description = "Encoding (see `kiln encodings`). Default: ${DEFAULT-VALUE}.")
    String encoding;

    @Option(names = "--skip-special", description = "Leave special tokens out of the text.")
    boolean skipSpecial;

    @Parameters(
            arity = "1..*",
            paramLabel = "ID",
            description = "Token ids (separated by spaces or commas), or - to read them from standard input.")
    List<String> ids;

    @Override
    public Integer call() {
        String source = Inputs.text(ids, System.in);
        List<Integer> parsed = new ArrayList<>();
        for (String id : source.trim().split("[\\s,\\[\\]]+")) {
            if (id.isEmpty()) {
                continue;
            }
            try {
                parsed.add(Integer.parseUnsignedInt(id));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "not a token id: '" + id + "'");
            }
        }
        try (ServiceChannel channel = open(Endpoints.Service.TOKENIZER)) {
            String text = TokenizerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .detokenize(DetokenizeRequest.newBuilder()
                            .setEncoding(encoding)
                            .addAllIds(parsed)
                            .setSkipSpecialTokens(skipSpecial)
                            .build())
                    .getText();
            out().println(text);
            out().flush();
        }
        return 0;
    }
}
