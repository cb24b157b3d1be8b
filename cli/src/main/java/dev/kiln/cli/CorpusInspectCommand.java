package dev.kiln.cli;

import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.InspectedDocument;
import dev.kiln.proto.corpus.v1.StepVerdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description =
                "Dry-runs one local file through every pipeline step and prints each step's verdict (nothing is stored).",
        footer = {"", "Example:  kiln corpus inspect --url https://example.com/post page.html"})
final class CorpusInspectCommand extends ServiceCommand {

    @Option(names = "--url", description = "URL to give the document (the URL filter judges it).")
    String url;

    @Option(names = "--text", description = "Also print the text as it would be tokenized.")
    boolean showText;

    @Parameters(paramLabel = "FILE", description = "A local text or HTML file.")
    Path file;

    @Override
    public Integer call() throws IOException {
        Document.Builder document = IngestCommand.localDocument(Inputs.existingFile(spec, file)).toBuilder();
        if (url != null) {
            document.setUrl(url);
        }
        InspectedDocument inspected;
        try (ServiceChannel channel = open(Endpoints.Service.CORPUS)) {
            inspected = CorpusServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .inspectDocument(document.build());
        }
        PrintWriter out = out();
        Table table = new Table("STEP", "VERDICT", "DETAILS");
        for (StepVerdict step : inspected.getStepsList()) {
            String details = new TreeMap<>(step.getDetailsMap())
                    .entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" "));
            table.row(
                    step.getStep(),
                    step.getKept() ? "kept" : "dropped: " + step.getReason(),
                    details.isEmpty() ? "-" : details);
        }
        table.print(out);
        out.printf(
                "%s: %s (language %s %.2f, %d tokens)%n",
                inspected.getId(),
                inspected.getKept() ? "KEPT" : "DROPPED",
                inspected.getLanguage().isEmpty() ? "?" : inspected.getLanguage(),
                inspected.getLanguageScore(),
                inspected.getTokenCount());
        if (showText && inspected.getKept()) {
            out.println();
            out.println(inspected.getFinalText());
        }
        out.flush();
        return 0;
    }
}
