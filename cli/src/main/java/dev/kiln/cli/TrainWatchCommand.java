package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Follows a run until it ends: step, loss, learning rate and tokens/s, plus evaluations, samples",
            "and checkpoints. Exits 0 when the run completes or is stopped, 1 when it fails."
        },
        footer = {"", "Example:  kiln train watch tiny"})
final class TrainWatchCommand extends ServiceCommand {

    @Parameters(paramLabel = "RUN")
    String run;

    @Option(
            names = "--no-replay",
            negatable = false,
            description = "Only new events, not the past ones the server keeps.")
    boolean noReplay;

    @Override
    public Integer call() {
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            return new RunWatcher(channel, out(), new ProgressLine(out())).watch(run, !noReplay);
        }
    }
}
