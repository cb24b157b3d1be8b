package dev.kiln.tokenizer.service;

import dev.kiln.proto.auth.ApiKeyInterceptor;
import dev.kiln.proto.auth.MethodScopes;
import dev.kiln.proto.auth.Scope;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * API keys for this service's RPCs ({@code kiln.auth.enabled}, {@code kiln.auth.api-keys-file}):
 * the scope each RPC needs, and the interceptor in front of every gRPC service. Read-only RPCs
 * need {@code generate}, as a client that may use the service may also look at it; anything that
 * changes state needs {@code admin}.
 */
@Singleton
public class TokenizerAuth {
    /** Every RPC of the service; one that is missing is refused (a test checks the list is complete). */
    public static final MethodScopes SCOPES = MethodScopes.none()
            .with(
                    Scope.GENERATE,
                    TokenizerServiceGrpc.getTokenizeMethod(),
                    TokenizerServiceGrpc.getDetokenizeMethod(),
                    TokenizerServiceGrpc.getCountTokensMethod(),
                    TokenizerServiceGrpc.getListEncodingsMethod(),
                    TokenizerServiceGrpc.getGetEncodingMethod(),
                    TokenizerServiceGrpc.getTokenizeStreamMethod())
            .with(Scope.ADMIN, TokenizerServiceGrpc.getTrainTokenizerMethod());

    @Produces
    @Singleton
    @GlobalInterceptor
    ApiKeyInterceptor apiKeys(
            @ConfigProperty(name = "kiln.auth.enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "kiln.auth.api-keys-file") Optional<Path> keysFile) {
        return ApiKeyInterceptor.configure(enabled, keysFile, SCOPES);
    }
}
