package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Parameters;

/** A trainer command that acts on one run by id and prints the run it gets back. */
abstract class RunActionCommand extends ServiceCommand {

    @Parameters(paramLabel = "RUN")
    String run;

    abstract Run act(TrainerServiceGrpc.TrainerServiceBlockingStub trainer, String runId);

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            out().println(Runs.summary(act(
                    TrainerServiceGrpc.newBlockingStub(channel.channel())
                            .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS),
                    run)));
            out().flush();
        }
        return 0;
    }
}
