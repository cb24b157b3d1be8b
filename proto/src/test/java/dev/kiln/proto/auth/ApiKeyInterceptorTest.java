package dev.kiln.proto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.proto.tokenizer.v1.ListEncodingsRequest;
import dev.kiln.proto.tokenizer.v1.ListEncodingsResponse;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor in front of a real server on a real socket. */
class ApiKeyInterceptorTest {
    static final String GEN = "gen-key-0123456789abcdef";
    static final String ADM = "adm-key-0123456789abcdef";

    /** Tokenize needs generate, ListEncodings is deliberately left out (fail closed); Detokenize (admin here, for the test) unimplemented. */
    static final MethodScopes SCOPES = MethodScopes.none()
            .with(Scope.GENERATE, TokenizerServiceGrpc.getTokenizeMethod())
            .with(Scope.ADMIN, TokenizerServiceGrpc.getDetokenizeMethod());

    Server server;
    ManagedChannel channel;
    volatile ApiKey seenCaller;

    @BeforeEach
    void start() throws Exception {
        ApiKeys keys = ApiKeys.parse("test", List.of(GEN + " generate", ADM + " admin,generate"));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new Tokenizer(), ApiKeyInterceptor.enabled(keys, SCOPES)))
                .addService(ServerInterceptors.intercept(
                        new HealthStatusManager().getHealthService(), ApiKeyInterceptor.enabled(keys, SCOPES)))
                .build()
                .start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    final class Tokenizer extends TokenizerServiceGrpc.TokenizerServiceImplBase {
        @Override
        public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> out) {
            seenCaller = ApiKeyInterceptor.caller();
            out.onNext(TokenizeResponse.newBuilder().addIds(1).build());
            out.onCompleted();
        }

        @Override
        public void listEncodings(ListEncodingsRequest request, StreamObserver<ListEncodingsResponse> out) {
            out.onNext(ListEncodingsResponse.getDefaultInstance());
            out.onCompleted();
        }
    }

    TokenizerServiceGrpc.TokenizerServiceBlockingStub stub(String authorization) {
        var stub = TokenizerServiceGrpc.newBlockingStub(channel);
        if (authorization == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(ApiKeyInterceptor.AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static Status statusOf(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    @Test
    void withoutAKeyTheCallIsUnauthenticatedAndSaysHowToSendOne() {
        Status s = statusOf(() -> stub(null).tokenize(TokenizeRequest.getDefaultInstance()));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(s.getDescription()).contains("authorization: Bearer <key>");
        assertThat(statusOf(() -> stub("Bearer not-a-known-key-at-all").tokenize(TokenizeRequest.getDefaultInstance()))
                        .getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aKeyWithoutTheScopeIsDeniedNamingTheScope() {
        Status s = statusOf(() ->
                stub("Bearer " + GEN).detokenize(dev.kiln.proto.tokenizer.v1.DetokenizeRequest.getDefaultInstance()));
        assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(s.getDescription()).contains("'admin' scope");
    }

    @Test
    void theRightKeyReachesTheServiceWhichSeesItsId() {
        assertThat(stub("Bearer " + GEN)
                        .tokenize(TokenizeRequest.getDefaultInstance())
                        .getIdsList())
                .containsExactly(1);
        assertThat(seenCaller.id()).isEqualTo(ApiKeys.idOf(GEN));
        stub("Bearer " + ADM).tokenize(TokenizeRequest.getDefaultInstance());
        assertThat(seenCaller.id()).isEqualTo(ApiKeys.idOf(ADM));
    }

    @Test
    void aMethodWithoutAScopeIsRefusedEvenToAdmin() {
        Status s = statusOf(() -> stub("Bearer " + ADM).listEncodings(ListEncodingsRequest.getDefaultInstance()));
        assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(s.getDescription()).contains("ListEncodings").contains("no API key scope");
    }

    @Test
    void healthIsOpenWithoutAKey() {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void disabledLetsEveryCallThroughAsAnonymous() throws Exception {
        Server open = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new Tokenizer(), ApiKeyInterceptor.disabled()))
                .build()
                .start();
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", open.getPort())
                .usePlaintext()
                .build();
        try {
            TokenizerServiceGrpc.newBlockingStub(ch).tokenize(TokenizeRequest.getDefaultInstance());
            assertThat(seenCaller).isEqualTo(ApiKey.ANONYMOUS);
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            open.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMethodCannotBeGivenTwoScopes() {
        assertThatThrownBy(() -> SCOPES.with(Scope.ADMIN, TokenizerServiceGrpc.getTokenizeMethod()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tokenize");
    }

    @Test
    void theClientInterceptorSendsTheKey() {
        var stub = TokenizerServiceGrpc.newBlockingStub(channel).withInterceptors(new ApiKeyClientInterceptor(GEN));
        stub.tokenize(TokenizeRequest.getDefaultInstance());
        assertThat(seenCaller.id()).isEqualTo(ApiKeys.idOf(GEN));
        var none = TokenizerServiceGrpc.newBlockingStub(channel).withInterceptors(new ApiKeyClientInterceptor(" "));
        assertThat(statusOf(() -> none.tokenize(TokenizeRequest.getDefaultInstance()))
                        .getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void enabledWithoutAKeyFileRefusesToStart() {
        assertThatThrownBy(() -> ApiKeyInterceptor.configure(true, java.util.Optional.empty(), SCOPES))
                .isInstanceOf(ApiKeyFileException.class)
                .hasMessageContaining("kiln.auth.api-keys-file");
        assertThatThrownBy(() -> ApiKeyInterceptor.configure(
                        true, java.util.Optional.of(java.nio.file.Path.of("/nonexistent/keys")), SCOPES))
                .isInstanceOf(ApiKeyFileException.class)
                .hasMessageContaining("/nonexistent/keys");
        assertThat(ApiKeyInterceptor.configure(false, java.util.Optional.empty(), SCOPES)
                        .isEnabled())
                .isFalse();
    }
}
