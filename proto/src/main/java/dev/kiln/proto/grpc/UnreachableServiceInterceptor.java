package dev.kiln.proto.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A client interceptor that turns a transport failure (nothing listens, TLS mismatch) into
 * "cannot reach the {@code label} service at {@code address} (root cause){@code hint}", so the
 * user learns which setting to fix. Transport failures carry a cause (e.g. ConnectException); a
 * server's own UNAVAILABLE does not and passes through unchanged, as does every other status.
 *
 * @param hint appended to the description, e.g. the config keys that set the address; may be empty
 */
public record UnreachableServiceInterceptor(String label, String address, String hint) implements ClientInterceptor {

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

    Status rename(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE || status.getCause() == null) {
            return status;
        }
        Throwable root = status.getCause();
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return Status.UNAVAILABLE
                .withCause(status.getCause())
                .withDescription(
                        "cannot reach the " + label + " service at " + address + " (" + root.getMessage() + ")" + hint);
    }
}
