package dev.kiln.cli;

import dev.kiln.proto.tokenizer.v1.CountTokensRequest;
import dev.kiln.proto.tokenizer.v1.SpecialTokenPolicy;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "count",
        mixinStandardHelpOptions = true,
        description = "Counts the tokens of a text.",
        footer = {"", "Example:  cat notes.txt | kiln count --encoding o200k_base -"})
final class CountCommand extends ServiceCommand {

    @Option(
            names = {"-e", "--encoding"},
            defaultValue = "cl100k_base",
            description = "Encoding (see `kiln encodings`). Default: ${DEFAULT-VALUE}.")
    String encoding;

    @Option(
            names = "--allow-special",
            description = "Count special tokens in the text as their single ids instead of failing.")
    boolean allowSpecial;

    @Parameters(
            arity = "1..*",
            paramLabel = "TEXT",
            description = "The text (words are joined by spaces), or - to read standard input.")
    List<String> words;

    @Override
    public Integer call() {
        String text = Inputs.text(words, System.in);
        try (ServiceChannel channel = open(Endpoints.Service.TOKENIZER)) {
            long count = TokenizerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .countTokens(CountTokensRequest.newBuilder()
                            .setEncoding(encoding)
                            .setText(text)
                            .setSpecialTokens(SpecialTokenPolicy.newBuilder().setAllowAll(allowSpecial))
                            .build())
                    .getCount();
            out().println(count);
            out().flush();
        }
        return 0;
    }
}
