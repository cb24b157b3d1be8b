package dev.kiln.cli;

import java.util.concurrent.TimeUnit;

import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continues a stopped, failed or interrupted run from its latest checkpoint.")
final class TrainResumeCommand extends ServiceCommand {

    @Parameters(paramLabel = "RUN")
    String run;

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            out().println(Runs.summary(TrainerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .resumeRun(ResumeRunRequest.newBuilder().setRunId(run).build())));
            out().flush();
        }
        return 0;
    }
}
