package dev.kiln.cli;

import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.UnloadModelRequest;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "unload",
        mixinStandardHelpOptions = true,
        description = "Unloads a model once its running requests finish.")
final class ModelsUnloadCommand extends ServiceCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            InferenceServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .unloadModel(UnloadModelRequest.newBuilder().setName(name).build());
        }
        out().println("unloaded " + name);
        out().flush();
        return 0;
    }
}
