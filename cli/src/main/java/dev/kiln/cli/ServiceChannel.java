package dev.kiln.cli;

import dev.kiln.proto.auth.ApiKeyClientInterceptor;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
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
                managed, new NameUnreachable(service, address), new ApiKeyClientInterceptor(apiKey));
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

    private record NameUnreachable(Endpoints.Service service, String address) implements ClientInterceptor {

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    super.onClose(rename(status), trailers);
                                }
                            },
                            headers);
                }
            };
        }

        /** Transport failures carry a cause (e.g. ConnectException); a server's UNAVAILABLE does not. */
        private Status rename(Status status) {
            if (status.getCode() != Status.Code.UNAVAILABLE || status.getCause() == null) {
                return status;
            }
            Throwable root = status.getCause();
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return Status.UNAVAILABLE
                    .withCause(status.getCause())
                    .withDescription("cannot reach the " + service.label + " service at " + address + " ("
                            + root.getMessage() + ")");
        }
    }
}
