package dev.kiln.proto.grpc;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StatusMapper} written as a table: a service lists its core's exception types with the
 * status code each means, in its constructor; the first type a failure is an instance of wins, and
 * the exception's message becomes the status description (the cause stays attached for the
 * server's log, it never reaches the client).
 */
public abstract class TypedStatusMapper implements StatusMapper {

    private record Entry(Class<? extends Throwable> type, Status.Code code) {}

    private final List<Entry> entries = new ArrayList<>();

    /** Failures of {@code type} (and its subclasses) answer with {@code code}. */
    protected final void map(Class<? extends Throwable> type, Status.Code code) {
        entries.add(new Entry(type, code));
    }

    @Override
    public final Status specific(Throwable failure) {
        for (Entry entry : entries) {
            if (entry.type().isInstance(failure)) {
                return Status.fromCode(entry.code())
                        .withDescription(failure.getMessage())
                        .withCause(failure);
            }
        }
        return null;
    }
}
