package dev.kiln.tokenizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.testing.ApiKeysProfile;
import dev.kiln.testing.ScopeProbe;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** API keys on, over a real socket: every RPC of the descriptor against every kind of key. */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class TokenizerAuthTest {
    @TestHTTPResource("/")
    URL base;

    @Test
    void everyRpcNeedsAKeyOfItsScopeAndHealthStaysOpen() throws Exception {
        ScopeProbe.assertEnforced(base, TokenizerServiceGrpc.getServiceDescriptor(), TokenizerAuth.SCOPES);
    }

    /**
     * A client that keeps calling without a valid key, as a misconfigured replica behind one
     * shared connection does, keeps getting UNAUTHENTICATED on that connection: refusals must not
     * trip the server's HTTP/2 flood defences into closing it for everyone multiplexed on it.
     */
    @Test
    void manyRefusedCallsKeepTheSharedConnectionUsable() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        try {
            Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
            for (int i = 0; i < 1000; i++) {
                String key = i % 2 == 0 ? null : "unknown-key-0123456789";
                codes.merge(
                        ScopeProbe.call(channel, TokenizerServiceGrpc.getTokenizeMethod(), key)
                                .getCode(),
                        1,
                        Integer::sum);
            }
            assertThat(codes).isEqualTo(Map.of(Status.Code.UNAUTHENTICATED, 1000));
            assertThat(ScopeProbe.call(channel, TokenizerServiceGrpc.getListEncodingsMethod(), ApiKeysProfile.GENERATE)
                            .getCode())
                    .isEqualTo(Status.Code.OK);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
