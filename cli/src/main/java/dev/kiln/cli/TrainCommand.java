package dev.kiln.cli;

import picocli.CommandLine.Command;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Starts, follows and exports training runs on the trainer service.",
        subcommands = {
            TrainStartCommand.class,
            TrainWatchCommand.class,
            TrainListCommand.class,
            TrainGetCommand.class,
            TrainStopCommand.class,
            TrainResumeCommand.class,
            TrainExportCommand.class
        })
final class TrainCommand {}
