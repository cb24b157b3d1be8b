package dev.kiln.inference.service;

import dev.kiln.inference.engine.EngineMetrics;
import dev.kiln.inference.engine.FinishReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler's events as Prometheus meters: kiln_inference_time_to_first_token_seconds,
 * kiln_inference_inter_token_latency_seconds, kiln_inference_decode_step_seconds,
 * kiln_inference_batch_size, kiln_inference_generated_tokens_total (rate = tokens/s) and
 * kiln_inference_requests_finished_total{reason}. Queue depth and running requests are gauges
 * registered per model by {@link GatewayWiring}.
 */
final class MicrometerEngineMetrics implements EngineMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> ttft = new ConcurrentHashMap<>(),
            itl = new ConcurrentHashMap<>(),
            step = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DistributionSummary> batch = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> tokens = new ConcurrentHashMap<>(),
            finished = new ConcurrentHashMap<>();

    MicrometerEngineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private Timer timer(ConcurrentHashMap<String, Timer> cache, String name, String model, String help) {
        return cache.computeIfAbsent(
                model,
                m -> Timer.builder(name)
                        .description(help)
                        .tag("model", m)
                        .publishPercentiles(0.5, 0.9, 0.99)
                        .publishPercentileHistogram(false)
                        .distributionStatisticExpiry(Duration.ofMinutes(2))
                        .register(registry));
    }

    @Override
    public void timeToFirstToken(String model, long nanos) {
        timer(ttft, "kiln.inference.time.to.first.token", model, "Submit to first token, queueing and prefill included")
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void interTokenLatency(String model, long nanos) {
        timer(itl, "kiln.inference.inter.token.latency", model, "Time between two tokens of one request")
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void decodeStep(String model, int batchSize, long nanos) {
        timer(step, "kiln.inference.decode.step", model, "One ONNX Runtime decode call for the whole batch")
                .record(Duration.ofNanos(nanos));
        batch.computeIfAbsent(
                        model,
                        m -> DistributionSummary.builder("kiln.inference.batch.size")
                                .description("Requests per decode step")
                                .tag("model", m)
                                .publishPercentiles(0.5, 0.99)
                                .register(registry))
                .record(batchSize);
    }

    @Override
    public void tokensGenerated(String model, int n) {
        tokens.computeIfAbsent(
                        model,
                        m -> Counter.builder("kiln.inference.generated.tokens")
                                .description("Tokens generated; its rate is tokens/s")
                                .tag("model", m)
                                .register(registry))
                .increment(n);
    }

    @Override
    public void finished(String model, FinishReason reason) {
        finished.computeIfAbsent(
                        model + "\0" + reason,
                        k -> Counter.builder("kiln.inference.requests.finished")
                                .tag("model", model)
                                .tag("reason", reason.name().toLowerCase())
                                .register(registry))
                .increment();
    }
}
