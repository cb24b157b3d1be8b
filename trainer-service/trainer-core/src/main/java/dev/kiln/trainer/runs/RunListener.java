package dev.kiln.trainer.runs;

import dev.kiln.trainer.Trainer;
import java.nio.file.Path;

/** What a run reports while it trains; the service turns these into TrainingEvents. */
public interface RunListener {

    void onStep(Trainer.StepResult step, long tokensSeen);

    void onEvaluation(long step, float validationLoss, long tokens);

    void onSample(long step, String prompt, String text);

    void onCheckpoint(long step, Path directory);
}
