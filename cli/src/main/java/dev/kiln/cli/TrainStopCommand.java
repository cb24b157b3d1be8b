package dev.kiln.cli;

import java.util.concurrent.TimeUnit;

import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops a run after its current step, saving a checkpoint; `kiln train resume` continues it.")
final class TrainStopCommand extends ServiceCommand {

    @Parameters(paramLabel = "RUN")
    String run;

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            out().println(Runs.summary(TrainerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .stopRun(StopRunRequest.newBuilder().setRunId(run).build())));
            out().flush();
        }
        return 0;
    }
}
