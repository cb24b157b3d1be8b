package dev.kiln.tokenizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.tokenizer.DisallowedSpecialTokenException;
import dev.kiln.tokenizer.UnsupportedTokenizerFeatureException;
import dev.kiln.tokenizer.catalog.EncodingExistsException;
import dev.kiln.tokenizer.catalog.EncodingNotFoundException;
import dev.kiln.tokenizer.catalog.NothingLearnedException;
import dev.kiln.tokenizer.catalog.TrainingLimitException;
import io.grpc.Status;
import io.grpc.Status.Code;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure the tokenizer core names reaches the client with its own status and message. */
class TokenizerStatusMapperTest {

    private static Status map(Throwable failure) {
        return TokenizerStatusMapper.INSTANCE.toStatus(failure);
    }

    @Test
    void coreFailuresMapToTheirStatus() {
        Status notFound = map(new EncodingNotFoundException("gpt-17", List.of("cl100k_base")));
        assertThat(notFound.getCode()).isEqualTo(Code.NOT_FOUND);
        assertThat(notFound.getDescription()).contains("gpt-17", "cl100k_base");

        assertThat(map(new EncodingExistsException("mine")).getCode()).isEqualTo(Code.ALREADY_EXISTS);
        assertThat(map(new TrainingLimitException("too much")).getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED);
        assertThat(map(new NothingLearnedException("no merge")).getCode()).isEqualTo(Code.FAILED_PRECONDITION);

        Status unsupported = map(new UnsupportedTokenizerFeatureException("token offsets are not available for x"));
        assertThat(unsupported.getCode()).isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(unsupported.getDescription()).contains("offsets");

        Status special = map(new DisallowedSpecialTokenException("<|endoftext|>", 3));
        assertThat(special.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(special.getDescription()).contains("<|endoftext|>");
    }

    @Test
    void adapterLimitsAndFaultsFollowTheCommonRule() {
        assertThat(map(TokenizerStatusMapper.tooLarge("text holds 9 chars")).getCode())
                .isEqualTo(Code.RESOURCE_EXHAUSTED);
        assertThat(map(new IllegalArgumentException("ids[1] = 99 is not a token"))
                        .getCode())
                .isEqualTo(Code.INVALID_ARGUMENT);
        Status internal = map(new IllegalStateException("index corrupt"));
        assertThat(internal.getCode()).isEqualTo(Code.INTERNAL);
        assertThat(internal.getDescription()).contains("index corrupt");
    }
}
