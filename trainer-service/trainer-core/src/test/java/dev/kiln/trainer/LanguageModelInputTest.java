package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Both architectures refuse a malformed batch the same way, before touching any buffer. */
class LanguageModelInputTest {
    private static final ThreadPool POOL = new ThreadPool(1);
    private static final List<LanguageModel> MODELS = List.of(
            LanguageModel.create(GptConfig.of(1, 2, 16, 8, 50), POOL, 1),
            LanguageModel.create(LlamaConfig.of(1, 2, 1, 16, 32, 8, 50, true), POOL, 1));

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void aBatchOutsideTheContextTheVocabularyOrTheGivenTokensIsRefused() {
        for (LanguageModel m : MODELS) {
            assertThatThrownBy(() -> m.forward(new int[9], null, 1, 9))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("T 9 outside [1, 8]");
            assertThatThrownBy(() -> m.forward(new int[0], null, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("T 0 outside [1, 8]");
            assertThatThrownBy(() -> m.forward(new int[3], null, 1, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("need B*T = 4 tokens");
            assertThatThrownBy(() -> m.forward(new int[4], new int[3], 1, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("need B*T = 4 tokens");
            assertThatThrownBy(() -> m.forward(new int[] {1, 2, 50, 3}, null, 1, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token 50 outside vocab 50");
            assertThatThrownBy(() -> m.forward(new int[] {1, -1, 2, 3}, null, 1, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token -1 outside vocab 50");
        }
    }
}
