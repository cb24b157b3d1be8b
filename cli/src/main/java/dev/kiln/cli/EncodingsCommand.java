package dev.kiln.cli;

import dev.kiln.proto.tokenizer.v1.EncodingInfo;
import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

@Command(
        name = "encodings",
        mixinStandardHelpOptions = true,
        description = "Lists the encodings the tokenizer service knows: built in, loaded from files, or trained.")
final class EncodingsCommand extends ServiceCommand {

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TOKENIZER)) {
            Table table = new Table("NAME", "VOCAB", "SOURCE", "EOS", "SPECIAL TOKENS");
            for (EncodingInfo info : TokenizerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .listEncodings(ListEncodingsRequest.getDefaultInstance())
                    .getEncodingsList()) {
                table.row(
                        info.getName(),
                        info.getVocabSize(),
                        info.getSource().name().replace("ENCODING_SOURCE_", "").toLowerCase(),
                        info.hasEosTokenId() ? info.getEosTokenId() : "-",
                        info.getSpecialTokensCount());
            }
            table.print(out());
        }
        return 0;
    }
}
