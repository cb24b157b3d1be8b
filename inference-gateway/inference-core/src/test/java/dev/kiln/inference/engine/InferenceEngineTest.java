package dev.kiln.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.model.OrtSessions;
import dev.kiln.inference.registry.ModelRegistry;
import dev.kiln.inference.registry.UnknownModelException;
import dev.kiln.inference.testing.Collector;
import dev.kiln.inference.testing.TestBundles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's request rules on a real bundle (context 128): max_new_tokens, context fill, typed failures. */
class InferenceEngineTest {
    @TempDir
    static Path dir;

    static ModelRegistry registry;
    static InferenceEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        TestBundles.write(TestBundles.randomModel(TestBundles.small(), 3), dir.resolve("m"));
        registry = new ModelRegistry(
                new ModelRegistry.Settings(OrtSessions.Options.cpu(1), new ContinuousBatcher.Config(2, 4), n -> null),
                EngineMetrics.NONE);
        registry.load("m", dir.resolve("m"), false, null);
        engine = new InferenceEngine(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static InferenceEngine.Command command(int[] prompt, MaxNewTokens max) {
        return new InferenceEngine.Command("m", null, prompt, max, SamplingSpec.greedy(), List.of(), true);
    }

    @Test
    void fillingTheContextTakesWhatIsLeftAfterThePromptUpToTheCap() {
        int[] prompt = new int[100];
        assertThat(engine.prepare(command(prompt, MaxNewTokens.fillContext(256)))
                        .request()
                        .maxNewTokens())
                .isEqualTo(28);
        assertThat(engine.prepare(command(prompt, MaxNewTokens.fillContext(5)))
                        .request()
                        .maxNewTokens())
                .isEqualTo(5);
        assertThat(engine.prepare(command(new int[127], MaxNewTokens.fillContext(256)))
                        .request()
                        .maxNewTokens())
                .isEqualTo(1);
        assertThatThrownBy(() -> engine.prepare(command(new int[128], MaxNewTokens.fillContext(256))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("context of 128");
    }

    @Test
    void aGivenLimitMustFitWithThePrompt() {
        assertThat(engine.prepare(command(new int[100], MaxNewTokens.of(28)))
                        .request()
                        .maxNewTokens())
                .isEqualTo(28);
        assertThatThrownBy(() -> engine.prepare(command(new int[100], MaxNewTokens.of(29))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at most 28 new tokens fit");
        assertThatThrownBy(() -> engine.prepare(command(new int[10], MaxNewTokens.of(0))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("max_new_tokens must be >= 1");
    }

    @Test
    void failuresAreTyped() {
        assertThatThrownBy(() -> engine.prepare(
                        new InferenceEngine.Command("nope", "hi", null, 4, SamplingSpec.unset(), List.of(), false)))
                .isInstanceOf(UnknownModelException.class)
                .hasMessageContaining("loaded: [m]");
        assertThatThrownBy(() -> engine.prepare(new InferenceEngine.Command(
                        "m", "hi", null, 4, new SamplingSpec(5f, null, null, null, null, null), List.of(), false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("temperature");
    }

    @Test
    void aModelBeingUnloadedTurnsNewRequestsAway() throws Exception {
        registry.load("gone", dir.resolve("m"), false, null);
        InferenceEngine.Prepared p = engine.prepare(
                new InferenceEngine.Command("gone", null, new int[] {1, 2}, 2, SamplingSpec.greedy(), List.of(), true));
        registry.unload("gone");
        assertThatThrownBy(() -> engine.submit(p, new Collector()))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("gone");
    }
}
