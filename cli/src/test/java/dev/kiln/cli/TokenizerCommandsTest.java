package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tokenizer commands against the packaged tokenizer service. */
class TokenizerCommandsTest {

    private static String tokenizer;

    @BeforeAll
    static void start() {
        tokenizer = Services.tokenizer();
    }

    @Test
    void tokenizesCountsAndDetokenizes() {
        Cli.Result ids = Cli.run("tokenize", "--tokenizer", tokenizer, "hello", "world");
        assertThat(ids.exitCode()).isZero();
        assertThat(ids.out()).isEqualTo("15339 1917\n");

        Cli.Result count = Cli.run("count", "--tokenizer", tokenizer, "--encoding", "cl100k_base", "hello world");
        assertThat(count.exitCode()).isZero();
        assertThat(count.out()).isEqualTo("2\n");

        Cli.Result text = Cli.run("--tokenizer", tokenizer, "detokenize", "15339", "1917");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).isEqualTo("hello world\n");
    }

    @Test
    void printsOffsetsAndJson() {
        Cli.Result offsets = Cli.run("tokenize", "--tokenizer", tokenizer, "--offsets", "hello world");
        assertThat(offsets.out()).isEqualTo("15339\t0\t5\t\"hello\"\n1917\t5\t11\t\" world\"\n");

        Cli.Result json = Cli.run("tokenize", "--tokenizer", tokenizer, "--json", "hello world");
        assertThat(json.exitCode()).isZero();
        assertThat(json.out())
                .startsWith("{\"encoding\":\"cl100k_base\",\"ids\":[15339,1917],\"offsets\":[{\"char_start\":0,");
    }

    @Test
    void listsEncodings() {
        Cli.Result encodings = Cli.run("encodings", "--tokenizer", tokenizer);
        assertThat(encodings.exitCode()).isZero();
        assertThat(encodings.out()).startsWith("NAME").contains("cl100k_base", "r50k_base", "o200k_base", "builtin");
    }

    @Test
    void unknownEncodingIsNotFoundWithTheServersMessage() {
        Cli.Result result = Cli.run("tokenize", "--tokenizer", tokenizer, "--encoding", "no_such_encoding", "hello");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("kiln tokenize: NOT_FOUND: ").contains("no_such_encoding");
    }

    @Test
    void outOfVocabularyIdIsInvalidArgument() {
        Cli.Result result = Cli.run("detokenize", "--tokenizer", tokenizer, "--encoding", "r50k_base", "1", "999999");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("INVALID_ARGUMENT", "999999");
    }

    @Test
    void badIdIsAUsageError() {
        Cli.Result result = Cli.run("detokenize", "--tokenizer", tokenizer, "12", "twelve");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("not a token id: 'twelve'");
    }

    @Test
    void trainsAnEncodingFromLocalFilesAndUsesIt() {
        String text = "the quick brown fox jumps over the lazy dog and the lazy cat sleeps in the sun\n".repeat(50);
        Path file = Services.tempFile("train.txt", text);
        String name = "cli-bpe-" + Long.toString(System.nanoTime(), 36);
        Cli.Result trained = Cli.run(
                "train-tokenizer",
                "--tokenizer",
                tokenizer,
                "--name",
                name,
                "--vocab-size",
                "300",
                "--special",
                "<|endoftext|>",
                file.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).startsWith("trained " + name + ": vocab 300");

        Cli.Result count = Cli.run("count", "--tokenizer", tokenizer, "--encoding", name, "the lazy dog");
        assertThat(count.exitCode()).isZero();
        assertThat(Integer.parseInt(count.out().trim())).isBetween(1, 5);

        Cli.Result again = Cli.run(
                "train-tokenizer", "--tokenizer", tokenizer, "--name", name, "--vocab-size", "300", file.toString());
        assertThat(again.exitCode()).as("ALREADY_EXISTS").isEqualTo(6);
    }
}
