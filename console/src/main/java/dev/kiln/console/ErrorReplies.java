package dev.kiln.console;

import io.grpc.StatusRuntimeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Failed calls become a JSON {@link ConsoleError}, never an empty body. */
public class ErrorReplies {

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e) {
        return reply(ConsoleError.of(e));
    }

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return reply(ConsoleError.of(e));
    }

    private static Response reply(ConsoleError error) {
        return Response.status(error.httpStatus())
                .type(MediaType.APPLICATION_JSON)
                .entity(error)
                .build();
    }
}
