package dev.kiln.proto.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Sends {@code authorization: Bearer <key>} on every call of a client: the {@code kiln} CLI and the
 * services that call the tokenizer service. Without a key it adds nothing.
 */
public final class ApiKeyClientInterceptor implements ClientInterceptor {
    private final String key; // null: send no key

    public ApiKeyClientInterceptor(String key) {
        this.key = key == null || key.isBlank() ? null : key.strip();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (key == null) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(ApiKeyInterceptor.AUTHORIZATION, "Bearer " + key);
                super.start(listener, headers);
            }
        };
    }
}
