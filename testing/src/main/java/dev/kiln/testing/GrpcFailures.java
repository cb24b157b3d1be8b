package dev.kiln.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What a failing gRPC call answered, for tests of the bad-input paths. */
public final class GrpcFailures {

    private GrpcFailures() {}

    /** The status exception the call threw; fails the test when it succeeded or threw anything else. */
    public static StatusRuntimeException failureOf(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded, but it should have failed with a gRPC status");
    }

    /** The status code the call failed with. */
    public static Status.Code codeOf(Runnable call) {
        return failureOf(call).getStatus().getCode();
    }
}
