package dev.kiln.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a generic gRPC client (grpcurl, a load balancer's health check) sees of a server: the
 * services it lists through reflection and the health it reports. Used by the services'
 * integration tests over a real socket.
 */
public final class GrpcProbe implements AutoCloseable {

    private final ManagedChannel channel;

    public GrpcProbe(String host, int port) {
        this.channel =
                ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** The fully qualified names of the services the server lists through reflection (v1). */
    public List<String> listServices() throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    private final List<String> names = new ArrayList<>();

                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        if (response.hasErrorResponse()) {
                            result.completeExceptionally(new IllegalStateException(
                                    response.getErrorResponse().getErrorMessage()));
                        }
                        for (ServiceResponse service :
                                response.getListServicesResponse().getServiceList()) {
                            names.add(service.getName());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(names);
                    }
                });
        requests.onNext(
                ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return result.get(15, TimeUnit.SECONDS);
    }

    /** The health status of one service; the empty name asks for the server as a whole. */
    public HealthCheckResponse.ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
