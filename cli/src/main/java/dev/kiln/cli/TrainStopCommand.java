package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.StopRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import picocli.CommandLine.Command;

@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stops a run after its current step, saving a checkpoint; `kiln train resume` continues it.")
final class TrainStopCommand extends RunActionCommand {

    @Override
    Run act(TrainerServiceGrpc.TrainerServiceBlockingStub trainer, String runId) {
        return trainer.stopRun(StopRunRequest.newBuilder().setRunId(runId).build());
    }
}
