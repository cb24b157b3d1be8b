package dev.kiln.cli;

import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.ListModelsRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Lists the models the inference gateway serves; `load` and `unload` change them.",
        subcommands = {ModelsLoadCommand.class, ModelsUnloadCommand.class})
final class ModelsCommand extends ServiceCommand {

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            Table table = new Table("NAME", "TYPE", "VOCAB", "CONTEXT", "LAYERS", "PROVIDER", "PATH");
            for (ModelInfo m : InferenceServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .listModels(ListModelsRequest.getDefaultInstance())
                    .getModelsList()) {
                table.row(
                        m.getName(),
                        m.getModelType(),
                        m.getVocabSize(),
                        m.getContextLength(),
                        m.getNLayer(),
                        provider(m),
                        m.getPath());
            }
            table.print(out());
        }
        return 0;
    }

    static String provider(ModelInfo model) {
        return model.getExecutionProvider()
                .name()
                .replace("EXECUTION_PROVIDER_", "")
                .toLowerCase();
    }
}
