package dev.kiln.trainer;

/**
 * Linear warmup from maxLr/warmupSteps to maxLr over the first warmupSteps steps, then cosine
 * decay to minLr at totalSteps, and minLr after that. Steps count from 0.
 */
public record LearningRateSchedule(float maxLr, float minLr, long warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (maxLr <= 0 || minLr < 0 || minLr > maxLr || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException(
                    "bad schedule " + maxLr + " " + minLr + " " + warmupSteps + " " + totalSteps);
        }
    }

    public static LearningRateSchedule constant(float lr) {
        return new LearningRateSchedule(lr, lr, 0, 1);
    }

    public float lr(long step) {
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (minLr + (maxLr - minLr) * cos);
    }
}
