package dev.kiln.cli;

import dev.kiln.proto.auth.ApiKeyClientInterceptor;
import dev.kiln.proto.grpc.UnreachableServiceInterceptor;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * A channel (plaintext or TLS, as {@link Endpoints} says) to one service for the length of one command. A connection failure is
 * reported as "cannot reach the X service at host:port", which tells the user which flag or
 * environment variable to fix; statuses sent by the server pass through unchanged.
 */
final class ServiceChannel implements AutoCloseable {

    private final ManagedChannel managed;
    private final Channel channel;

    ServiceChannel(Endpoints.Service service, String address, ChannelCredentials credentials, String apiKey) {
        this.managed = Grpc.newChannelBuilder(address, credentials)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
        this.channel = ClientInterceptors.intercept(
                managed,
                new UnreachableServiceInterceptor(service.label, address, ""),
                new ApiKeyClientInterceptor(apiKey));
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        managed.shutdownNow();
        try {
            managed.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
