package dev.kiln.trainer.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.KafkaShards;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import dev.kiln.tokenizer.Encoding;
import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.trainer.GptConfig;
import org.junit.jupiter.api.Test;

class RunRequestsTest {
    private static final Encoding R50K = EncodingRegistry.getDefault().get("r50k_base");

    private static StartRunRequest gpt2(ModelConfig.Builder model) {
        return StartRunRequest.newBuilder()
                .setName("gpt2")
                .setEncoding("r50k_base")
                .setModel(model.setNLayer(1).setNHead(2).setNEmbd(16).setContextLength(16))
                .setTraining(TrainingConfig.newBuilder().setBatchSize(2).setMaxSteps(4))
                .setData(DataSource.newBuilder().setKafka(KafkaShards.getDefaultInstance()))
                .build();
    }

    @Test
    void gpt2TakesATiedHeadAndRefusesAnUntiedOneNamingTheField() {
        RunConfig tied = RunRequests.toConfig(
                gpt2(ModelConfig.newBuilder().setTieWordEmbeddings(true)), R50K, "kiln.corpus.shards");
        assertThat(tied.model()).isInstanceOf(GptConfig.class);
        assertThatThrownBy(() -> RunRequests.toConfig(
                        gpt2(ModelConfig.newBuilder().setTieWordEmbeddings(false)), R50K, "kiln.corpus.shards"))
                .isInstanceOf(InvalidRunConfigException.class)
                .hasMessageContaining("model.tie_word_embeddings is false")
                .hasMessageContaining("llama");
        assertThatThrownBy(() ->
                        RunRequests.toConfig(gpt2(ModelConfig.newBuilder().setNKvHead(1)), R50K, "kiln.corpus.shards"))
                .isInstanceOf(InvalidRunConfigException.class)
                .hasMessageContaining("model.n_kv_head is a Llama field");
    }
}
