package dev.kiln.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.proto.corpus.TokenShards;
import dev.kiln.proto.corpus.v1.TokenShard;
import dev.kiln.proto.corpus.v1.TokenWidth;
import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.KafkaShards;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.ResumeRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged trainer is killed (SIGKILL) mid-run and started again on the same data directory:
 * the run comes back STOPPED, and ResumeRun finishes it from its last checkpoint.
 */
class TrainerRestartIT {

    private static final String TOPIC = "kiln.test.trainer.restart";

    private static void produceShards() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(TOPIC, 1);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(broker.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < 4; s++) {
                int[] ids = new int[4000];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 1000 + (i * 7 + s) % 97;
                }
                ByteString packed = TokenShards.pack(ids, ids.length, TokenWidth.TOKEN_WIDTH_UINT16);
                TokenShard shard = TokenShard.newBuilder()
                        .setShardId("restart-" + s)
                        .setEncoding("r50k_base")
                        .setVocabSize(50257)
                        .setTokenCount(ids.length)
                        .setTokenWidth(TokenWidth.TOKEN_WIDTH_UINT16)
                        .setTokens(packed)
                        .setCrc32C(TokenShards.crc32c(packed))
                        .setEosTokenId(50256)
                        .build();
                producer.send(new ProducerRecord<>(TOPIC, shard.getShardId(), shard.toByteArray()))
                        .get();
            }
        }
    }

    private static Run awaitRun(TrainerServiceGrpc.TrainerServiceBlockingStub trainer, String id, Predicate<Run> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Run run = trainer.getRun(GetRunRequest.newBuilder().setRunId(id).build());
        while (!done.test(run) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            run = trainer.getRun(GetRunRequest.newBuilder().setRunId(id).build());
        }
        assertThat(done.test(run)).as("run reached the expected state: %s", run).isTrue();
        return run;
    }

    @Test
    void aKilledTrainerComesBackWithItsRunsResumable() throws Exception {
        produceShards();
        Path data = Files.createTempDirectory("kiln-trainer-restart");
        Map<String, String> properties = Map.of(
                "kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers(),
                "kiln.trainer.data-dir", data.resolve("trainer").toString(),
                "kiln.trainer.models-dir", data.resolve("models").toString());
        StartRunRequest start = StartRunRequest.newBuilder()
                .setName("survivor")
                .setEncoding("r50k_base")
                .setModel(ModelConfig.newBuilder()
                        .setNLayer(1)
                        .setNHead(2)
                        .setNEmbd(32)
                        .setContextLength(32))
                .setTraining(TrainingConfig.newBuilder()
                        .setBatchSize(4)
                        .setMaxSteps(150)
                        .setSeed(3)
                        .setThreads(1)
                        .setCheckpointInterval(5)
                        .setValidationFraction(0))
                .setData(DataSource.newBuilder()
                        .setKafka(KafkaShards.newBuilder().setTopic(TOPIC).setWaitSeconds(60)))
                .build();

        ServiceProcess first = ServiceProcess.start("trainer-service", properties);
        int checkpoint;
        try {
            TrainerServiceGrpc.TrainerServiceBlockingStub trainer = stub(first);
            trainer.startRun(start);
            checkpoint = awaitRun(trainer, "survivor", r -> r.getCheckpointStep() >= 10)
                    .getCheckpointStep();
        } finally {
            first.kill();
        }

        ServiceProcess second = ServiceProcess.start("trainer-service", properties);
        try {
            TrainerServiceGrpc.TrainerServiceBlockingStub trainer = stub(second);
            Run restarted = trainer.getRun(
                    GetRunRequest.newBuilder().setRunId("survivor").build());
            assertThat(restarted.getState()).isEqualTo(RunState.RUN_STATE_STOPPED);
            assertThat(restarted.getError()).contains("restarted");
            assertThat(restarted.getCheckpointStep()).isGreaterThanOrEqualTo(checkpoint);

            Run resumed = trainer.resumeRun(
                    ResumeRunRequest.newBuilder().setRunId("survivor").build());
            assertThat(resumed.getState()).isIn(RunState.RUN_STATE_PENDING, RunState.RUN_STATE_RUNNING);
            Run done = awaitRun(
                    trainer,
                    "survivor",
                    r -> r.getState() == RunState.RUN_STATE_COMPLETED || r.getState() == RunState.RUN_STATE_FAILED);
            assertThat(done.getState()).as(done.getError()).isEqualTo(RunState.RUN_STATE_COMPLETED);
            assertThat(done.getStep()).isEqualTo(150);
        } finally {
            second.stop();
        }
    }

    private static TrainerServiceGrpc.TrainerServiceBlockingStub stub(ServiceProcess service) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", service.port())
                .usePlaintext()
                .build();
        return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }
}
