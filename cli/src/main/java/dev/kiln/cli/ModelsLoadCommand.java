package dev.kiln.cli;

import dev.kiln.proto.inference.v1.ExecutionProvider;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.LoadModelRequest;
import dev.kiln.proto.inference.v1.ModelInfo;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Loads a model bundle from a directory on the gateway's file system.",
        footer = {"", "Example:  kiln models load tiny /srv/kiln/models/tiny"})
final class ModelsLoadCommand extends ServiceCommand {

    /** The providers a user can ask for; the proto's UNSPECIFIED is "leave out the option". */
    enum Provider {
        cpu,
        cuda
    }

    @Parameters(index = "0", paramLabel = "NAME", description = "Name to serve the model under.")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "Bundle directory on the gateway.")
    String path;

    @Option(names = "--replace", description = "Replace a loaded model of the same name.")
    boolean replace;

    @Option(
            names = "--provider",
            description = "Execution provider: ${COMPLETION-CANDIDATES} (default: the gateway's).")
    Provider provider;

    @Override
    public Integer call() {
        LoadModelRequest.Builder request =
                LoadModelRequest.newBuilder().setName(name).setPath(path).setReplace(replace);
        if (provider != null) {
            request.setExecutionProvider(
                    provider == Provider.cpu
                            ? ExecutionProvider.EXECUTION_PROVIDER_CPU
                            : ExecutionProvider.EXECUTION_PROVIDER_CUDA);
        }
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            // Loading builds an ONNX Runtime session, which can take a while for a large model.
            ModelInfo model = InferenceServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(10 * UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .loadModel(request.build());
            out().printf(
                            "loaded %s (%s, %d layers, context %d) on %s from %s%n",
                            model.getName(),
                            model.getModelType(),
                            model.getNLayer(),
                            model.getContextLength(),
                            ModelsCommand.provider(model),
                            model.getPath());
            out().flush();
        }
        return 0;
    }
}
