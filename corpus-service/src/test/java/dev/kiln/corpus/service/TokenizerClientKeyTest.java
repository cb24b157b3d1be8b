package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizeResponse;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * kiln.auth.client-api-key reaches the wire: the service's gRPC clients (the tokenizer client and
 * any other) send it as bearer metadata. A real server on a socket records what arrives.
 */
@QuarkusTest
@TestProfile(TokenizerClientKeyTest.Profile.class)
class TokenizerClientKeyTest {
    static final String KEY = "client-key-0123456789abcdef";
    static final AtomicReference<String> received = new AtomicReference<>();
    static Server recorder;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kiln.auth.client-api-key",
                    KEY,
                    "quarkus.grpc.clients.recorder.host",
                    "127.0.0.1",
                    "quarkus.grpc.clients.recorder.port",
                    String.valueOf(startRecorder()),
                    // under test, Quarkus points clients at its own test port unless told otherwise
                    "quarkus.grpc.clients.recorder.test-port",
                    String.valueOf(startRecorder()));
        }
    }

    static synchronized int startRecorder() {
        if (recorder == null) {
            ServerInterceptor record = new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(
                        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                    received.set(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
                    return next.startCall(call, headers);
                }
            };
            try {
                recorder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(ServerInterceptors.intercept(
                                new TokenizerServiceGrpc.TokenizerServiceImplBase() {
                                    @Override
                                    public void tokenize(
                                            TokenizeRequest request, StreamObserver<TokenizeResponse> out) {
                                        out.onNext(TokenizeResponse.getDefaultInstance());
                                        out.onCompleted();
                                    }
                                },
                                record))
                        .build()
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return recorder.getPort();
    }

    @GrpcClient("recorder")
    TokenizerServiceGrpc.TokenizerServiceBlockingStub client;

    @AfterAll
    static synchronized void stopRecorder() {
        recorder.shutdownNow();
    }

    @Test
    void everyOutgoingCallCarriesTheConfiguredKey() {
        client.tokenize(TokenizeRequest.getDefaultInstance());
        assertThat(received.get()).isEqualTo("Bearer " + KEY);
    }
}
