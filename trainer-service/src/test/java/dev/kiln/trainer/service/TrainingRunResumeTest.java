package dev.kiln.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.KafkaBrokerExtension;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.trainer.GptConfig;
import dev.kiln.trainer.Trainer;
import dev.kiln.trainer.data.ShardSchedule;
import dev.kiln.trainer.data.TokenStream;
import dev.kiln.trainer.runs.RunConfig;
import dev.kiln.trainer.runs.RunListener;
import dev.kiln.trainer.runs.TrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopped at step k and resumed, a run reproduces the uninterrupted run's losses; a crash between
 * checkpoints resumes from the last checkpoint's data position: no shard skipped or trained twice.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TrainingRunResumeTest {

    private static final int VOCAB = 50257;
    private static final Encoding R50K = EncodingRegistry.getDefault().get("r50k_base");

    private static RunConfig config(int maxSteps, int checkpointInterval, String topic) {
        return new RunConfig(
                "resume",
                "r50k_base",
                GptConfig.of(1, 2, 16, 16, VOCAB),
                new RunConfig.Optimizer(1e-2f, 1e-3f, 2, 0.1f, 0.9f, 0.95f, 1.0f),
                new RunConfig.Schedule(2, 2, maxSteps, 42, 3, 2, 3, 2, 0, "", 0, checkpointInterval),
                new RunConfig.Data(topic, 30, 0.2f, null));
    }

    /**
     * Shards of a small repeating vocabulary, so the loss falls as the model learns; each in a
     * transaction of its own, as the corpus service writes them, with an aborted one now and then, so
     * the offsets a checkpoint stores and seeks to step over commit markers and aborted records.
     */
    private static void produceShards(KafkaBroker broker, String topic, int shards) throws Exception {
        broker.createTopic(topic, 2);
        Random random = new Random(1);
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kiln-test-" + topic);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int s = 0; s < shards; s++) {
                if (s % 3 == 1) {
                    producer.beginTransaction();
                    TokenShard aborted =
                            TokenShard.newBuilder().setShardId("aborted-" + s).build();
                    producer.send(new ProducerRecord<>(topic, s % 2, aborted.getShardId(), aborted.toByteArray()));
                    producer.flush();
                    producer.abortTransaction();
                }
                producer.beginTransaction();
                int[] ids = new int[97 + s];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 100 + (i % 7) * 3 + random.nextInt(2);
                }
                ByteString packed = TokenShards.pack(ids, ids.length, TokenWidth.TOKEN_WIDTH_UINT16);
                TokenShard shard = TokenShard.newBuilder()
                        .setShardId("test-" + s)
                        .setEncoding("r50k_base")
                        .setVocabSize(VOCAB)
                        .setTokenCount(ids.length)
                        .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                        .setTokens(packed)
                        .setCrc32C(TokenShards.crc32c(packed))
                        .setEosTokenId(50256)
                        .build();
                producer.send(new ProducerRecord<>(topic, s % 2, shard.getShardId(), shard.toByteArray()));
                producer.commitTransaction();
            }
        }
    }

    private static Function<Map<String, Long>, TokenStream> kafka(KafkaBroker broker, RunConfig cfg, Path runDir) {
        return position -> new ShardSchedule(
                new KafkaShardPoller(broker.bootstrapServers(), cfg.data().kafkaTopic(), Duration.ofSeconds(30)),
                new ShardSchedule.Settings(
                        cfg.data().kafkaTopic(),
                        cfg.encoding(),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(500),
                        cfg.data().validationFraction(),
                        100_000,
                        runDir.resolve("validation.tokens")),
                position);
    }

    /** Records losses; may stop or crash the run after a given step. */
    private static final class Recorder implements RunListener {
        final List<Float> losses = new ArrayList<>();
        final List<Float> validation = new ArrayList<>();
        TrainingRun run;
        long stopAfter = -1;
        long crashAfter = -1;

        @Override
        public void onStep(Trainer.StepResult step, long tokensSeen) {
            losses.add(step.loss());
            if (step.step() + 1 == stopAfter) {
                run.requestStop();
            }
            if (step.step() + 1 == crashAfter) {
                throw new IllegalStateException("simulated crash after step " + crashAfter);
            }
        }

        @Override
        public void onEvaluation(long step, float validationLoss, long tokens) {
            validation.add(validationLoss);
        }

        @Override
        public void onSample(long step, String prompt, String text) {}

        @Override
        public void onCheckpoint(long step, Path directory) {}
    }

    private static List<Float> train(RunConfig cfg, Path dir, KafkaBroker broker, Recorder recorder) throws Exception {
        TrainingRun run = new TrainingRun(cfg, R50K, dir, kafka(broker, cfg, dir), recorder);
        recorder.run = run;
        run.run();
        return recorder.losses;
    }

    @Test
    void stoppedAndResumedEqualsUninterrupted(KafkaBroker broker, @TempDir Path tmp) throws Exception {
        String topic = "kiln.test.trainer.resume";
        produceShards(broker, topic, 12);
        RunConfig cfg = config(10, 0, topic);

        Recorder straight = new Recorder();
        List<Float> uninterrupted = train(cfg, tmp.resolve("a"), broker, straight);
        assertThat(uninterrupted).hasSize(10);
        assertThat(uninterrupted.get(9)).isLessThan(uninterrupted.get(0));

        Recorder first = new Recorder();
        first.stopAfter = 4;
        List<Float> before = train(cfg, tmp.resolve("b"), broker, first);
        assertThat(before).hasSize(4);
        assertThat(TrainingRun.latestCheckpoint(tmp.resolve("b"))).isPresent();
        List<Float> after = train(cfg, tmp.resolve("b"), broker, new Recorder());
        List<Float> resumed = new ArrayList<>(before);
        resumed.addAll(after);
        assertThat(resumed).isEqualTo(uninterrupted);
    }

    @Test
    void aCrashBetweenCheckpointsResumesFromTheCheckpointsDataPosition(KafkaBroker broker, @TempDir Path tmp)
            throws Exception {
        String topic = "kiln.test.trainer.crash";
        produceShards(broker, topic, 12);
        RunConfig cfg = config(9, 3, topic);

        List<Float> uninterrupted = train(cfg, tmp.resolve("a"), broker, new Recorder());

        Recorder crashing = new Recorder();
        crashing.crashAfter = 5;
        assertThatThrownBy(() -> train(cfg, tmp.resolve("b"), broker, crashing))
                .hasMessageContaining("simulated crash");
        assertThat(crashing.losses).hasSize(5);
        // Steps 4 and 5 ran after the step-3 checkpoint; they are lost, and their data is trained again.
        List<Float> after = train(cfg, tmp.resolve("b"), broker, new Recorder());
        assertThat(after).hasSize(6);
        List<Float> resumed = new ArrayList<>(crashing.losses.subList(0, 3));
        resumed.addAll(after);
        assertThat(resumed).isEqualTo(uninterrupted);
        assertThat(crashing.losses.subList(3, 5)).isEqualTo(uninterrupted.subList(3, 5));
    }
}
