package dev.kiln.cli;

import picocli.CommandLine.Command;

/** Groups the corpus pipeline's read-only commands; ingestion is {@code kiln ingest}. */
@Command(
        name = "corpus",
        mixinStandardHelpOptions = true,
        description = "Looks into the corpus pipeline.",
        subcommands = {CorpusStatsCommand.class, CorpusInspectCommand.class})
final class CorpusCommand {}
