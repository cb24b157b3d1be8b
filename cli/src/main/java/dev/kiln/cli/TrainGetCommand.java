package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Shows one run: state, progress, losses, model, checkpoint.")
final class TrainGetCommand extends ServiceCommand {

    @Parameters(paramLabel = "RUN")
    String run;

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            Runs.details(
                    out(),
                    TrainerServiceGrpc.newBlockingStub(channel.channel())
                            .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .getRun(GetRunRequest.newBuilder().setRunId(run).build()));
        }
        return 0;
    }
}
