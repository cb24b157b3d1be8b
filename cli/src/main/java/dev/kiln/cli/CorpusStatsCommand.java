package dev.kiln.cli;

import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.PipelineStats;
import dev.kiln.proto.corpus.v1.StepStats;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description =
                "Per-step counters of the pipeline since the service started: documents in, kept, dropped, top drop reasons.")
final class CorpusStatsCommand extends ServiceCommand {

    @Override
    public Integer call() {
        PipelineStats stats;
        try (ServiceChannel channel = open(Endpoints.Service.CORPUS)) {
            stats = CorpusServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance());
        }
        Table table = new Table("STEP", "IN", "KEPT", "DROPPED", "SECONDS", "TOP DROP REASONS");
        for (StepStats step : stats.getStepsList()) {
            String reasons = step.getDroppedByReasonMap().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .limit(3)
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            table.row(
                    step.getStep(),
                    step.getDocumentsIn(),
                    step.getDocumentsKept(),
                    step.getDocumentsDropped(),
                    String.format("%.2f", step.getSeconds()),
                    reasons.isEmpty() ? "-" : reasons);
        }
        table.print(out());
        out().printf(
                        "total: %d documents in, %d kept, %d tokens, %d shards; dedup index holds %d documents%n",
                        stats.getDocumentsIn(),
                        stats.getDocumentsKept(),
                        stats.getTokens(),
                        stats.getShardsProduced(),
                        stats.getDedupIndexDocuments());
        out().flush();
        return 0;
    }
}
