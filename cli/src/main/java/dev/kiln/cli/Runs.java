package dev.kiln.cli;

import com.google.protobuf.Timestamp;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import java.io.PrintWriter;
import java.time.Instant;

/** How runs read on a terminal, shared by the train commands. */
final class Runs {

    private Runs() {}

    static String state(RunState state) {
        return state.name().replace("RUN_STATE_", "").toLowerCase();
    }

    static String loss(float loss) {
        return Float.isNaN(loss) ? "-" : String.format("%.4f", loss);
    }

    static String time(Timestamp t) {
        return t.getSeconds() == 0 ? "-" : Instant.ofEpochSecond(t.getSeconds()).toString();
    }

    /** One line: what a script greps for after start, stop and resume. */
    static String summary(Run run) {
        return String.format(
                "run %s: %s at step %d/%d",
                run.getId(),
                state(run.getState()),
                run.getStep(),
                run.getConfig().getTraining().getMaxSteps());
    }

    static void details(PrintWriter out, Run run) {
        var model = run.getConfig().getModel();
        var training = run.getConfig().getTraining();
        out.println("id:          " + run.getId());
        out.println("state:       " + state(run.getState())
                + (run.getError().isEmpty() ? "" : " (" + run.getError() + ")"));
        out.println("step:        " + run.getStep() + "/" + training.getMaxSteps());
        out.println("tokens seen: " + run.getTokensSeen());
        out.println("train loss:  " + loss(run.getTrainLoss()));
        out.println("val loss:    " + loss(run.getValLoss()));
        out.println("encoding:    " + run.getConfig().getEncoding());
        out.printf(
                "model:       %d layers, %d heads, n_embd %d, context %d, %d parameters%n",
                model.getNLayer(), model.getNHead(), model.getNEmbd(), model.getContextLength(), run.getParameters());
        out.println("checkpoint:  "
                + (run.getCheckpointStep() == 0
                        ? "-"
                        : "step " + run.getCheckpointStep() + " in " + run.getCheckpointDir()));
        out.println("created:     " + time(run.getCreatedAt()));
        out.println("updated:     " + time(run.getUpdatedAt()));
        out.flush();
    }
}
