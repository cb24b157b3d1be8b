package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.GetRunRequest;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.RunState;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingEvent;
import dev.kiln.proto.trainer.v1.WatchRunRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Follows a run's events until it ends. On a terminal the step metrics redraw one live line and
 * everything else (evaluations, samples, checkpoints, state changes) prints above it; piped,
 * every event is one plain line.
 */
final class RunWatcher {

    private final ServiceChannel channel;
    private final PrintWriter out;
    private final ProgressLine line;

    RunWatcher(ServiceChannel channel, PrintWriter out, ProgressLine line) {
        this.channel = channel;
        this.out = out;
        this.line = line;
    }

    /** Returns the exit code: 0 when the run completed or was stopped, 1 when it failed. */
    int watch(String runId, boolean replay) {
        var stub = TrainerServiceGrpc.newBlockingStub(channel.channel());
        Run run = stub.withDeadlineAfter(ServiceCommand.UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .getRun(GetRunRequest.newBuilder().setRunId(runId).build());
        int maxSteps = run.getConfig().getTraining().getMaxSteps();
        Iterator<TrainingEvent> events = stub.watchRun(
                WatchRunRequest.newBuilder().setRunId(runId).setReplay(replay).build());
        RunState last = run.getState();
        String error = run.getError();
        while (events.hasNext()) {
            TrainingEvent event = events.next();
            switch (event.getEventCase()) {
                case METRICS -> {
                    var m = event.getMetrics();
                    String text = String.format(
                            "step %d/%d  loss %.4f  lr %.2e  %.0f tokens/s",
                            event.getStep(), maxSteps, m.getLoss(), m.getLearningRate(), m.getTokensPerSecond());
                    if (line.live()) {
                        line.update(text);
                    } else {
                        out.println(text);
                    }
                }
                case EVALUATION ->
                    line.println(String.format(
                            "step %d  val loss %.4f",
                            event.getStep(), event.getEvaluation().getValLoss()));
                case SAMPLE ->
                    line.println(String.format(
                            "step %d  sample: %s%s",
                            event.getStep(),
                            event.getSample().getPrompt(),
                            event.getSample().getText()));
                case CHECKPOINT ->
                    line.println(String.format(
                            "step %d  checkpoint %s",
                            event.getStep(), event.getCheckpoint().getPath()));
                case STATE -> {
                    last = event.getState().getState();
                    String message = event.getState().getMessage();
                    if (last == RunState.RUN_STATE_FAILED) {
                        error = message;
                    }
                    line.println(String.format(
                            "step %d  %s%s",
                            event.getStep(), Runs.state(last), message.isEmpty() ? "" : ": " + message));
                }
                case EVENT_NOT_SET -> {
                    // A newer server's event kind: nothing to show.
                }
            }
            out.flush();
        }
        line.clear();
        out.flush();
        return last == RunState.RUN_STATE_FAILED ? GrpcErrors.OTHER : 0;
    }
}
