package dev.kiln.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.kiln.proto.tokenizer.v1.SpecialTokenPolicy;
import dev.kiln.proto.tokenizer.v1.TokenSpan;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = "Encodes text into token ids (space-separated on one line).",
        footer = {"", "Example:  kiln tokenize --encoding cl100k_base hello world   →   15339 1917"})
final class TokenizeCommand extends ServiceCommand {

    @Option(
            names = {"-e", "--encoding"},
            defaultValue = "cl100k_base",
            description = "Encoding (see `kiln encodings`). Default: ${DEFAULT-VALUE}.")
    String encoding;

    @Option(names = "--offsets", description = "One line per token: id, char start, char end, and the text it covers.")
    boolean offsets;

    @Option(names = "--json", description = "Print {\"ids\": [...], \"offsets\": [...]} instead.")
    boolean json;

    @Option(
            names = "--allow-special",
            description = "Encode special tokens in the text (e.g. <|endoftext|>) to their ids instead of failing.")
    boolean allowSpecial;

    @Parameters(
            arity = "1..*",
            paramLabel = "TEXT",
            description = "The text (words are joined by spaces), or - to read standard input.")
    List<String> words;

    private static final ObjectMapper JSON =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** What --json prints: the ids and, per token, the text it covers in chars and UTF-8 bytes. */
    record JsonTokens(String encoding, List<Integer> ids, List<JsonSpan> offsets) {}

    record JsonSpan(int charStart, int charEnd, int byteStart, int byteEnd) {}

    @Override
    public Integer call() throws JsonProcessingException {
        String text = Inputs.text(words, System.in);
        TokenizeResponse response;
        try (ServiceChannel channel = open(Endpoints.Service.TOKENIZER)) {
            response = TokenizerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .tokenize(TokenizeRequest.newBuilder()
                            .setEncoding(encoding)
                            .setText(text)
                            .setSpecialTokens(SpecialTokenPolicy.newBuilder().setAllowAll(allowSpecial))
                            .setIncludeOffsets(offsets || json)
                            .build());
        }
        PrintWriter out = out();
        if (json) {
            List<JsonSpan> spans = response.getOffsetsList().stream()
                    .map(s -> new JsonSpan(s.getCharStart(), s.getCharEnd(), s.getByteStart(), s.getByteEnd()))
                    .toList();
            out.println(JSON.writeValueAsString(new JsonTokens(encoding, response.getIdsList(), spans)));
        } else if (offsets) {
            for (int i = 0; i < response.getIdsCount(); i++) {
                TokenSpan span = response.getOffsets(i);
                out.println(response.getIds(i) + "\t" + span.getCharStart() + "\t" + span.getCharEnd() + "\t"
                        + JSON.writeValueAsString(text.substring(span.getCharStart(), span.getCharEnd())));
            }
        } else {
            out.println(response.getIdsList().stream().map(String::valueOf).collect(Collectors.joining(" ")));
        }
        out.flush();
        return 0;
    }
}
