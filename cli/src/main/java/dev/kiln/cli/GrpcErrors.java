package dev.kiln.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one mapping from a gRPC status to the process exit code, and the message the user sees.
 * Codes are stable so scripts can branch on them; they are listed in --help and the README.
 */
final class GrpcErrors {

    static final int OTHER = 1;

    private GrpcErrors() {}

    static int exitCode(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 3;
            case NOT_FOUND -> 4;
            case UNAVAILABLE -> 5;
            case ALREADY_EXISTS -> 6;
            case FAILED_PRECONDITION -> 7;
            case PERMISSION_DENIED, UNAUTHENTICATED -> 8;
            case RESOURCE_EXHAUSTED -> 9;
            case DEADLINE_EXCEEDED -> 10;
            case UNIMPLEMENTED -> 11;
            default -> OTHER;
        };
    }

    /** picocli's execution-exception hook: prints the server's message, returns the exit code. */
    static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof StatusRuntimeException sre) {
            Status status = sre.getStatus();
            String message = status.getDescription() != null ? status.getDescription() : "(no message)";
            if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                message += " (pass --api-key KEY or set KILN_API_KEY)";
            }
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + status.getCode() + ": " + message);
            err.flush();
            return exitCode(status.getCode());
        }
        if (e instanceof CommandLine.ParameterException usage) {
            // Options checked only when a command runs, e.g. unreadable --ca/--cert/--key files.
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + usage.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e);
        err.flush();
        return OTHER;
    }
}
