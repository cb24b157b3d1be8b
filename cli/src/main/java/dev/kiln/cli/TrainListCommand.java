package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.ListRunsRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists runs, newest first.")
final class TrainListCommand extends ServiceCommand {

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            Table table = new Table("RUN", "STATE", "STEP", "MAX", "TRAIN LOSS", "VAL LOSS", "PARAMETERS", "UPDATED");
            for (Run run : TrainerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .listRuns(ListRunsRequest.getDefaultInstance())
                    .getRunsList()) {
                table.row(
                        run.getId(),
                        Runs.state(run.getState()),
                        run.getStep(),
                        run.getConfig().getTraining().getMaxSteps(),
                        Runs.loss(run.getTrainLoss()),
                        Runs.loss(run.getValLoss()),
                        run.getParameters(),
                        Runs.time(run.getUpdatedAt()));
            }
            table.print(out());
        }
        return 0;
    }
}
