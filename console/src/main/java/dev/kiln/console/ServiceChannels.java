package dev.kiln.console;

import dev.kiln.proto.auth.ApiKeyClientInterceptor;
import dev.kiln.proto.grpc.UnreachableServiceInterceptor;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's channels to the four services, configured like every Kiln gRPC client
 * ({@code quarkus.grpc.clients.<tokenizer|corpus|trainer|gateway>.host/port/ssl.*}). Each call sends
 * the API key the page gave, else the configured {@code kiln.auth.client-api-key}, as
 * {@code authorization: Bearer <key>}; the services check its scopes, the console does not.
 */
@ApplicationScoped
public class ServiceChannels {

    /** The request header in which the page passes the key its user typed in. */
    public static final String API_KEY_HEADER = "X-Kiln-Api-Key";

    @GrpcClient("tokenizer")
    Channel tokenizer;

    @GrpcClient("corpus")
    Channel corpus;

    @GrpcClient("trainer")
    Channel trainer;

    @GrpcClient("gateway")
    Channel gateway;

    @ConfigProperty(name = "kiln.auth.client-api-key")
    Optional<String> configuredKey;

    /** A channel to {@code service} that sends {@code pageKey}, or the configured key when the page gave none. */
    public Channel to(KilnService service, String pageKey) {
        Channel channel = switch (service) {
            case TOKENIZER -> tokenizer;
            case CORPUS -> corpus;
            case TRAINER -> trainer;
            case GATEWAY -> gateway;
        };
        return ClientInterceptors.intercept(
                channel,
                new UnreachableServiceInterceptor(
                        service.label,
                        address(service),
                        "; set quarkus.grpc.clients." + service.client + ".host and .port"),
                new ApiKeyClientInterceptor(key(pageKey)));
    }

    /** The key calls carry: the page's, else the configured one, else none. */
    public String key(String pageKey) {
        if (pageKey != null && !pageKey.isBlank()) {
            return pageKey.strip();
        }
        return configuredKey.orElse(null);
    }

    public boolean keyConfigured() {
        return configuredKey.filter(k -> !k.isBlank()).isPresent();
    }

    /** host:port of a service, as configured. */
    public static String address(KilnService service) {
        var config = ConfigProvider.getConfig();
        String prefix = "quarkus.grpc.clients." + service.client + ".";
        return config.getOptionalValue(prefix + "host", String.class).orElse("localhost") + ":"
                + config.getOptionalValue(prefix + "port", String.class).orElse("9000");
    }
}
