package dev.kiln.cli;

import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerConfig;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerRequest;
import dev.kiln.proto.tokenizer.v1.TrainTokenizerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "train-tokenizer",
        mixinStandardHelpOptions = true,
        description = "Trains a byte-level BPE encoding on local text files; the service keeps it under NAME.",
        footer = {
            "",
            "Example:  kiln train-tokenizer --name europarl-4k --vocab-size 4096 --special '<|endoftext|>' europarl.txt"
        })
final class TrainTokenizerCommand extends ServiceCommand {

    /** Lines are sent in chunks of about this many characters, each ending at a line break. */
    private static final int CHUNK_CHARS = 256 * 1024;

    @Option(names = "--name", required = true, description = "Name of the new encoding.")
    String name;

    @Option(
            names = "--vocab-size",
            required = true,
            description = "Vocabulary size: 256 bytes + merges + special tokens.")
    int vocabSize;

    @Option(
            names = "--pattern",
            description = "Pre-tokenization: gpt2, cl100k, o200k (server default) or a regular expression.")
    String pattern;

    @Option(
            names = "--special",
            paramLabel = "TOKEN",
            description = "A special token to append, e.g. <|endoftext|>; repeatable.")
    List<String> specials = List.of();

    @Option(names = "--min-frequency", description = "Never merge pairs seen fewer times (server default 2).")
    Integer minFrequency;

    @Option(names = "--overwrite", description = "Replace an encoding of the same name.")
    boolean overwrite;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "UTF-8 text files to train on.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        files.forEach(f -> Inputs.existingFile(spec, f));
        TrainTokenizerConfig.Builder config = TrainTokenizerConfig.newBuilder()
                .setName(name)
                .setVocabSize(vocabSize)
                .addAllSpecialTokens(specials)
                .setOverwrite(overwrite);
        if (pattern != null) {
            config.setPattern(pattern);
        }
        if (minFrequency != null) {
            config.setMinFrequency(minFrequency);
        }
        TrainTokenizerResponse response;
        try (ServiceChannel channel = open(Endpoints.Service.TOKENIZER)) {
            Upload<TrainTokenizerRequest, TrainTokenizerResponse> upload =
                    Upload.start(TokenizerServiceGrpc.newStub(channel.channel())::trainTokenizer);
            upload.send(TrainTokenizerRequest.newBuilder().setConfig(config).build());
            StringBuilder chunk = new StringBuilder();
            for (Path file : files) {
                try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        // Chunks end at a line break: the server pre-tokenizes each chunk on its own.
                        chunk.append(line).append('\n');
                        if (chunk.length() >= CHUNK_CHARS) {
                            upload.send(TrainTokenizerRequest.newBuilder()
                                    .setText(chunk.toString())
                                    .build());
                            chunk.setLength(0);
                        }
                    }
                }
            }
            if (chunk.length() > 0) {
                upload.send(TrainTokenizerRequest.newBuilder()
                        .setText(chunk.toString())
                        .build());
            }
            response = upload.finish();
        }
        out().printf(
                        "trained %s: vocab %d, %d merges, from %d characters in %.1f s%n",
                        response.getEncoding().getName(),
                        response.getEncoding().getVocabSize(),
                        response.getMerges(),
                        response.getBytesSeen(),
                        response.getSeconds());
        out().flush();
        return 0;
    }
}
