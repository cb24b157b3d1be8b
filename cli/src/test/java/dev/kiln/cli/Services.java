package dev.kiln.cli;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;
import dev.kiln.tokenizer.EncodingRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The packaged services the CLI tests drive, one process each per test JVM. Their state goes to
 * temporary directories so nothing lands in the source tree.
 */
final class Services {

    private Services() {}

    static String tokenizer() {
        return "localhost:"
                + ServiceProcess.shared("tokenizer-service", Map.of("kiln.tokenizer.encodings-dir", temp("tokenizer")))
                        .port();
    }

    static String corpus() {
        int tokenizerPort = Integer.parseInt(tokenizer().substring("localhost:".length()));
        return "localhost:"
                + ServiceProcess.shared(
                                "corpus-service",
                                Map.of(
                                        "kafka.bootstrap.servers",
                                                KafkaBroker.shared().bootstrapServers(),
                                        "quarkus.grpc.clients.tokenizer.host", "localhost",
                                        "quarkus.grpc.clients.tokenizer.port", String.valueOf(tokenizerPort),
                                        "kiln.corpus.data-dir", temp("corpus")))
                        .port();
    }

    private static final String TRAINER_DATA = temp("trainer");

    static String trainer() {
        return "localhost:"
                + ServiceProcess.shared(
                                "trainer-service",
                                Map.of(
                                        "kafka.bootstrap.servers",
                                                KafkaBroker.shared().bootstrapServers(),
                                        "kiln.trainer.data-dir", TRAINER_DATA + "/runs-root",
                                        "kiln.trainer.models-dir",
                                                trainerModels().toString()))
                        .port();
    }

    /** The trainer's models directory: ExportModel may only write under it (kiln.trainer.models-roots). */
    static Path trainerModels() {
        return Path.of(TRAINER_DATA, "models");
    }

    /** Eight r50k shards of simple English on a new topic: enough for a tiny run to learn from. */
    static void produceShards(String topic) {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(topic, 1);
        int[] ids = EncodingRegistry.getDefault()
                .get("r50k_base")
                .encode("The cat sat on the mat. The dog sat on the log. A bird sang in the tree. ".repeat(6));
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(broker.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < 8; s++) {
                ByteString packed = TokenShards.pack(ids, ids.length, TokenWidth.TOKEN_WIDTH_UINT16);
                TokenShard shard = TokenShard.newBuilder()
                        .setShardId(topic + "-" + s)
                        .setEncoding("r50k_base")
                        .setVocabSize(50257)
                        .setTokenCount(ids.length)
                        .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                        .setTokens(packed)
                        .setCrc32C(TokenShards.crc32c(packed))
                        .setEosTokenId(50256)
                        .build();
                producer.send(new ProducerRecord<>(topic, shard.getShardId(), shard.toByteArray()))
                        .get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce shards", e.getCause());
        }
    }

    /** The args of `kiln train start` for an 8-step run of a one-layer model on {@code topic}. */
    static String[] tinyRun(String trainer, String name, String topic, String embd, String heads) {
        return new String[] {
            "train",
            "start",
            "--trainer",
            trainer,
            "--name",
            name,
            "--encoding",
            "r50k_base",
            "--layers",
            "1",
            "--heads",
            heads,
            "--embd",
            embd,
            "--context",
            "32",
            "--batch-size",
            "4",
            "--steps",
            "8",
            "--lr",
            "1e-2",
            "--warmup",
            "2",
            "--seed",
            "7",
            "--threads",
            "2",
            "--eval-interval",
            "4",
            "--eval-batches",
            "2",
            "--val-fraction",
            "0.25",
            "--sample-interval",
            "8",
            "--sample-prompt",
            "The cat",
            "--sample-tokens",
            "8",
            "--checkpoint-interval",
            "4",
            "--topic",
            topic,
            "--wait-seconds",
            "30"
        };
    }

    private static String temp(String name) {
        try {
            return Files.createTempDirectory("kiln-cli-" + name).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempFile(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("kiln-cli-input");
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
