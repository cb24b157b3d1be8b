package dev.kiln.inference.service;

import dev.kiln.inference.limits.RateLimitPolicy;
import dev.kiln.inference.limits.RateLimiter;
import dev.kiln.proto.auth.ApiKeyInterceptor;
import dev.kiln.proto.auth.MethodScopes;
import dev.kiln.proto.auth.Scope;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * API keys for this service's RPCs ({@code kiln.auth.enabled}, {@code kiln.auth.api-keys-file}):
 * the scope each RPC needs, and the interceptor in front of every gRPC service. Read-only RPCs
 * need {@code generate}, as a client that may use the service may also look at it; anything that
 * changes state needs {@code admin}.
 */
@Singleton
public class GatewayAuth {
    private static final Logger LOG = Logger.getLogger(GatewayAuth.class);

    /** Every RPC of the service; one that is missing is refused (a test checks the list is complete). */
    public static final MethodScopes SCOPES = MethodScopes.none()
            .with(
                    Scope.GENERATE,
                    InferenceServiceGrpc.getGenerateMethod(),
                    InferenceServiceGrpc.getChatMethod(),
                    InferenceServiceGrpc.getListModelsMethod())
            .with(Scope.ADMIN, InferenceServiceGrpc.getLoadModelMethod(), InferenceServiceGrpc.getUnloadModelMethod());

    @Produces
    @Singleton
    @GlobalInterceptor
    ApiKeyInterceptor apiKeys(
            @ConfigProperty(name = "kiln.auth.enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "kiln.auth.api-keys-file") Optional<Path> keysFile) {
        return ApiKeyInterceptor.configure(enabled, keysFile, SCOPES);
    }

    /** Per-key budgets (kiln.inference.rate-limit.*); off, it still counts each key's requests and tokens. */
    @Produces
    @Singleton
    RateLimiter rateLimiter(GatewayConfig config, MeterRegistry meters) {
        GatewayConfig.RateLimit limit = config.rateLimit();
        RateLimitPolicy policy = limit.enabled()
                ? new RateLimitPolicy(limit.requestsPerSecond(), limit.requestBurst(), limit.tokensPerMinute())
                : new RateLimitPolicy(0, 0, 0);
        if (limit.enabled()) {
            LOG.infof(
                    "rate limits per API key: %s requests/s (burst %d), %d generated tokens/min",
                    limit.requestsPerSecond(), limit.requestBurst(), limit.tokensPerMinute());
        }
        return new RateLimiter(policy, new MicrometerRateLimitMetrics(meters), System::nanoTime);
    }
}
