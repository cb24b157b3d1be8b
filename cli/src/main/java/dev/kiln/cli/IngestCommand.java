package dev.kiln.cli;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.Document;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.IngestSummary;
import dev.kiln.proto.corpus.v1.IngestWarcRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Runs documents through the corpus pipeline.",
            "Without --local, PATH is read by the corpus service from its own file system: a .warc or .warc.gz",
            "file (IngestWarc), or a .jsonl(.gz) file or a directory of them (IngestJsonl). A relative PATH is",
            "made absolute against the current directory first. With --local, the named local text or HTML",
            "files are uploaded (IngestDocuments)."
        },
        footer = {
            "",
            "Examples:  kiln ingest /data/CC-MAIN-20250101.warc.gz",
            "           kiln ingest --local notes.txt page.html"
        })
final class IngestCommand extends ServiceCommand {

    @Option(names = "--local", description = "Upload local files instead of naming a path on the server.")
    boolean local;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (WARC) or documents (JSONL).")
    long max;

    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        IngestSummary summary;
        if (local) {
            paths.forEach(p -> Inputs.existingFile(spec, p));
            summary = uploadLocal();
        } else {
            if (paths.size() != 1) {
                throw new ParameterException(
                        spec.commandLine(), "give one server PATH (or use --local for local files)");
            }
            summary = ingestOnServer(paths.get(0).toAbsolutePath().normalize().toString());
        }
        printSummary(out(), summary);
        return 0;
    }

    private IngestSummary uploadLocal() throws IOException {
        try (ServiceChannel channel = open(Endpoints.Service.CORPUS)) {
            Upload<Document, IngestSummary> upload =
                    Upload.start(CorpusServiceGrpc.newStub(channel.channel())::ingestDocuments);
            for (Path file : paths) {
                upload.send(localDocument(file));
            }
            return upload.finish();
        }
    }

    /** A local file as a document: its name is the id, its extension says whether it is HTML. */
    static Document localDocument(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        return Document.newBuilder()
                .setId(file.getFileName().toString())
                .setContent(ByteString.copyFrom(Files.readAllBytes(file)))
                .setContentType(html ? "text/html" : "text/plain")
                .putMetadata("source", "kiln-cli")
                .build();
    }

    private IngestSummary ingestOnServer(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        try (ServiceChannel channel = open(Endpoints.Service.CORPUS)) {
            var stub = CorpusServiceGrpc.newBlockingStub(channel.channel());
            Iterator<IngestProgress> progress = lower.endsWith(".warc") || lower.endsWith(".warc.gz")
                    ? stub.ingestWarc(IngestWarcRequest.newBuilder()
                            .setPath(path)
                            .setMaxRecords(max)
                            .build())
                    : stub.ingestJsonl(IngestJsonlRequest.newBuilder()
                            .setPath(path)
                            .setMaxDocuments(max)
                            .build());
            ProgressLine line = new ProgressLine(out());
            IngestSummary summary = IngestSummary.getDefaultInstance();
            while (progress.hasNext()) {
                IngestProgress p = progress.next();
                if (p.getDone()) {
                    summary = p.getSummary();
                } else {
                    line.update(String.format(
                            "%s %s read, %d records, %d docs: %d kept, %d dropped, %d tokens",
                            ProgressLine.bar(p.getBytesRead(), p.getBytesTotal(), 30),
                            bytes(p.getBytesRead()),
                            p.getRecordsRead(),
                            p.getDocumentsIn(),
                            p.getDocumentsKept(),
                            p.getDocumentsDropped(),
                            p.getTokens()));
                }
            }
            line.clear();
            return summary;
        }
    }

    static void printSummary(PrintWriter out, IngestSummary s) {
        out.printf(
                "documents: %d received, %d kept, %d dropped; %d tokens%n",
                s.getDocumentsReceived(), s.getDocumentsKept(), s.getDocumentsDropped(), s.getTokens());
        s.getDroppedByReasonMap().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.printf("  dropped %-40s %d%n", e.getKey(), e.getValue()));
        out.flush();
    }

    private static String bytes(long n) {
        return n < 1 << 20 ? String.format("%.1f KiB", n / 1024.0) : String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
