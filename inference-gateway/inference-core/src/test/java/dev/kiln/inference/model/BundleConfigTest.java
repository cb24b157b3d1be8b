package dev.kiln.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading other exporters' folders: Llama-style config names, genai_config.json names, merged decoders. */
class BundleConfigTest {

    @Test
    void llamaStyleConfigAndGenaiNames(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llama", "vocab_size": 32000, "num_hidden_layers": 2, "num_attention_heads": 8,
                 "num_key_value_heads": 2, "hidden_size": 256, "max_position_embeddings": 2048,
                 "bos_token_id": 1, "eos_token_id": [2, 32001]}""");
        Files.writeString(dir.resolve("genai_config.json"), """
                {"model": {"context_length": 2048, "decoder": {"filename": "decoder.onnx",
                  "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                             "past_key_names": "past.%d.k", "past_value_names": "past.%d.v"},
                  "outputs": {"logits": "logits", "present_key_names": "present.%d.k", "present_value_names": "present.%d.v"}}}}""");
        Files.writeString(dir.resolve("generation_config.json"), """
                {"do_sample": true, "temperature": 0.6, "top_p": 0.9, "repetition_penalty": 1.1}""");
        Files.createFile(dir.resolve("decoder.onnx")); // the graph genai_config.json names must be there
        BundleConfig c = BundleConfig.read(dir);
        assertThat(c.modelType()).isEqualTo("llama");
        assertThat(c.nKvHead()).isEqualTo(2);
        assertThat(c.nEmbd() / c.nHead()).isEqualTo(32);
        assertThat(c.context()).isEqualTo(2048);
        assertThat(c.eosTokenIds()).containsExactly(2, 32001);
        assertThat(c.modelFile()).isEqualTo("decoder.onnx");
        assertThat(c.generation().temperature()).isEqualTo(0.6f);
        assertThat(c.generation().topP()).isEqualTo(0.9f);
        assertThat(c.generation().repetitionPenalty()).isEqualTo(1.1f);

        IoNames io = IoNames.resolve(
                c.io(),
                Set.of(
                        "input_ids",
                        "attention_mask",
                        "past.0.k",
                        "past.0.v",
                        "past.1.k",
                        "past.1.v",
                        "use_cache_branch"),
                Set.of("logits", "present.0.k", "present.0.v", "present.1.k", "present.1.v"));
        assertThat(io.layers()).isEqualTo(2);
        assertThat(io.pastKeys()).containsExactly("past.0.k", "past.1.k");
        assertThat(io.presentValues()).containsExactly("present.0.v", "present.1.v");
        assertThat(io.positionIds()).isNull();
        assertThat(io.useCacheBranch()).isEqualTo("use_cache_branch");
    }

    @Test
    void everyEosIdOfConfigAndGenerationConfigEndsGeneration(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("model.onnx"));
        // Qwen 2.5 Instruct: config.json names <|endoftext|>, generation_config.json adds <|im_end|>.
        Files.writeString(dir.resolve("config.json"), """
                {"vocab_size": 151936, "n_positions": 32768, "n_head": 1, "n_embd": 4, "eos_token_id": 151643}""");
        Files.writeString(dir.resolve("generation_config.json"), """
                {"eos_token_id": [151645, 151643], "do_sample": true}""");
        assertThat(BundleConfig.read(dir).eosTokenIds()).containsExactly(151643, 151645);
        // Llama 3.1 Instruct: a list in generation_config.json alone.
        Files.writeString(
                dir.resolve("config.json"),
                "{\"vocab_size\": 128256, \"n_positions\": 8, \"n_head\": 1, \"n_embd\": 4}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [128001, 128008, 128009]}");
        assertThat(BundleConfig.read(dir).eosTokenIds()).containsExactly(128001, 128008, 128009);
    }

    @Test
    void greedyDefaultsWhenDoSampleIsFalse(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("model.onnx"));
        Files.writeString(
                dir.resolve("config.json"), "{\"vocab_size\": 10, \"n_positions\": 8, \"n_head\": 1, \"n_embd\": 4}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\": false, \"temperature\": 0.7}");
        assertThat(BundleConfig.read(dir).generation().temperature()).isEqualTo(0f);
    }

    @Test
    void missingPiecesAreNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BundleConfig.read(dir))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("no config.json");
        Files.writeString(dir.resolve("config.json"), "{\"n_head\": 2}");
        assertThatThrownBy(() -> BundleConfig.read(dir)).hasMessageContaining("vocab_size");
        assertThatThrownBy(() -> IoNames.resolve(IoNames.Template.optimum(), Set.of("input_ids"), Set.of("logits")))
                .hasMessageContaining("past_key_values.0.key");
        assertThatThrownBy(() -> IoNames.resolve(
                        IoNames.Template.optimum(),
                        Set.of("input_ids", "past_key_values.0.key", "past_key_values.0.value"),
                        Set.of("logits", "present.0.key")))
                .hasMessageContaining("present.0.value");
        assertThatThrownBy(() -> IoNames.resolve(
                        IoNames.Template.optimum(),
                        Set.of("input_ids", "past_key_values.0.key", "past_key_values.0.value", "token_type_ids"),
                        Set.of("logits", "present.0.key", "present.0.value")))
                .hasMessageContaining("does not feed: [token_type_ids]");
        assertThatThrownBy(() -> IoNames.resolve(
                        IoNames.Template.optimum(),
                        Set.of(
                                "input_ids",
                                "past_key_values.0.key",
                                "past_key_values.0.value",
                                "logits_to_keep",
                                "num_logits_to_keep"),
                        Set.of("logits", "present.0.key", "present.0.value")))
                .hasMessageContaining("both [logits_to_keep, num_logits_to_keep]");
    }

    /** transformers' count of last positions to compute logits for, under its old and new name, is fed. */
    @Test
    void logitsToKeepIsAnInputTheGatewayFeeds() {
        for (String keep : List.of("num_logits_to_keep", "logits_to_keep")) {
            IoNames io = IoNames.resolve(
                    IoNames.Template.optimum(),
                    Set.of("input_ids", "past_key_values.0.key", "past_key_values.0.value", keep),
                    Set.of("logits", "present.0.key", "present.0.value"));
            assertThat(io.logitsToKeep()).isEqualTo(keep);
        }
    }
}
