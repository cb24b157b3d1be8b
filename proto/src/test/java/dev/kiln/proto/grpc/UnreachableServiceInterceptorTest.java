package dev.kiln.proto.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class UnreachableServiceInterceptorTest {

    private final UnreachableServiceInterceptor interceptor =
            new UnreachableServiceInterceptor("trainer", "localhost:9", "; set trainer.host");

    @Test
    void transportFailureNamesTheServiceTheAddressAndTheRootCause() {
        IOException cause = new IOException("io", new ConnectException("Connection refused"));
        Status renamed = interceptor.rename(Status.UNAVAILABLE.withCause(cause));
        assertThat(renamed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(renamed.getCause()).isSameAs(cause);
        assertThat(renamed.getDescription())
                .isEqualTo("cannot reach the trainer service at localhost:9 (Connection refused); set trainer.host");
    }

    @Test
    void serverStatusesPassThrough() {
        Status serverUnavailable = Status.UNAVAILABLE.withDescription("draining");
        assertThat(interceptor.rename(serverUnavailable)).isSameAs(serverUnavailable);
        Status notFound = Status.NOT_FOUND.withCause(new ConnectException("x"));
        assertThat(interceptor.rename(notFound)).isSameAs(notFound);
    }
}
