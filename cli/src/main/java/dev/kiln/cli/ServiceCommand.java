package dev.kiln.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that talks to a service shares: the endpoints of the root command and
 * picocli's writers (tests capture them; {@code System.out} would bypass the capture).
 */
@Command
abstract class ServiceCommand implements Callable<Integer> {

    /** Unary calls are quick; a minute covers a loaded server without hanging a script forever. */
    static final long UNARY_DEADLINE_SECONDS = 60;

    @Spec
    CommandSpec spec;

    ServiceChannel open(Endpoints.Service service) {
        return ((KilnCommand) spec.root().userObject()).endpoints.open(service);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
