package dev.kiln.corpus.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * HTTP liveness: DOWN once the documents consumer has stopped on its own (a shard transaction that
 * failed or was fenced, an engine that cannot be built), naming why. The consumer does not retry by
 * itself: documents past the committed offsets are only read again by a new process, so the
 * orchestrator's restart is the recovery (Kubernetes probes {@code /q/health/live}). A consumer that is
 * off by configuration or waiting for the tokenizer service is alive.
 */
@Liveness
@ApplicationScoped
public class DocumentConsumerLiveness implements HealthCheck {
    @Inject
    DocumentConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        String failure = consumer.failure();
        var response = HealthCheckResponse.named("documents-consumer")
                .status(failure == null)
                .withData("consumed", consumer.consumed());
        return (failure == null ? response : response.withData("stopped", failure)).build();
    }
}
