package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import picocli.CommandLine.Command;

@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = "Continues a stopped, failed or interrupted run from its latest checkpoint.")
final class TrainResumeCommand extends RunActionCommand {

    @Override
    Run act(TrainerServiceGrpc.TrainerServiceBlockingStub trainer, String runId) {
        return trainer.resumeRun(ResumeRunRequest.newBuilder().setRunId(runId).build());
    }
}
