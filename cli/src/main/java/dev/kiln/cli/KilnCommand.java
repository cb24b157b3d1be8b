package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code kiln} command: one subcommand per thing a user does with the four services. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnCommand.Version.class,
        description = "Command-line client of the Kiln services (tokenizer, corpus, trainer, inference gateway).",
        subcommands = {
            TokenizeCommand.class, CountCommand.class, DetokenizeCommand.class, EncodingsCommand.class,
            TrainTokenizerCommand.class, IngestCommand.class, CorpusCommand.class, TrainCommand.class,
            GenerateCommand.class, ChatCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes:  0 ok, 1 other error, 2 usage error, 3 invalid argument,",
            "  4 not found, 5 service unavailable, 6 already exists, 7 failed precondition,",
            "  8 permission denied, 9 resource exhausted, 10 deadline exceeded, 11 unimplemented."
        })
public final class KilnCommand {

    @Mixin
    Endpoints endpoints;

    /** The command line as both {@link #main} and the tests run it: gRPC failures become exit codes. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KilnCommand());
        commandLine.setExecutionExceptionHandler(GrpcErrors::handle);
        return commandLine;
    }

    /** The version Maven wrote into the jar's manifest; none when run from a class directory. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KilnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (version != null ? version : "(development build)")};
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
