package dev.kiln.trainer;

import java.util.function.Supplier;

/**
 * One optimisation step = gradAccumSteps micro-batches of forward + backward (gradients
 * averaged), global grad-norm clipping, then an AdamW update at the scheduled learning rate.
 * The step counter lives in the optimizer ({@link AdamW#updates()}), so it is checkpointed with it.
 */
public final class Trainer {

    /** What one step did: the mean micro-batch loss, lr used, grad norm before clipping. */
    public record StepResult(long step, float loss, float lr, float gradNorm, long tokens, long nanos) {
        public double tokensPerSecond() {
            return tokens * 1e9 / Math.max(1, nanos);
        }
    }

    private final LanguageModel model;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final int gradAccumSteps;
    private final float gradClip;

    public Trainer(
            LanguageModel model, AdamW optimizer, LearningRateSchedule schedule, int gradAccumSteps, float gradClip) {
        if (gradAccumSteps < 1) {
            throw new IllegalArgumentException("gradAccumSteps must be >= 1");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.gradAccumSteps = gradAccumSteps;
        this.gradClip = gradClip;
    }

    /** Defaults: clip at 1.0, no accumulation. */
    public Trainer(LanguageModel model, AdamW optimizer, LearningRateSchedule schedule) {
        this(model, optimizer, schedule, 1, 1.0f);
    }

    public StepResult step(Supplier<Batch> nextMicroBatch) {
        long t0 = System.nanoTime();
        long step = optimizer.updates();
        model.zeroGrad();
        double lossSum = 0;
        long tokens = 0;
        for (int k = 0; k < gradAccumSteps; k++) {
            Batch b = nextMicroBatch.get();
            lossSum += model.forward(b.inputs(), b.targets(), b.B(), b.T());
            model.backward(1f / gradAccumSteps);
            tokens += (long) b.B() * b.T();
        }
        float norm = optimizer.clipGradNorm(gradClip);
        float lr = schedule.lr(step);
        optimizer.step(lr);
        return new StepResult(step, (float) (lossSum / gradAccumSteps), lr, norm, tokens, System.nanoTime() - t0);
    }

    /** Mean loss over the given batches, no gradients. */
    public float evalLoss(Iterable<Batch> batches) {
        double sum = 0;
        int n = 0;
        for (Batch b : batches) {
            sum += model.forward(b.inputs(), b.targets(), b.B(), b.T());
            n++;
        }
        return n == 0 ? Float.NaN : (float) (sum / n);
    }
}
