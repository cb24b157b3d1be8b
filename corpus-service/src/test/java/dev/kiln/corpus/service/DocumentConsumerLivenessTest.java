package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Liveness follows the documents consumer: alive while it runs or waits, down with the reason once it stopped. */
class DocumentConsumerLivenessTest {

    private static HealthCheckResponse liveness(String failure) {
        DocumentConsumerLiveness check = new DocumentConsumerLiveness();
        check.consumer = new DocumentConsumer() {
            @Override
            public String failure() {
                return failure;
            }

            @Override
            public long consumed() {
                return 42;
            }
        };
        return check.call();
    }

    @Test
    void aRunningConsumerIsAlive() {
        HealthCheckResponse r = liveness(null);
        assertThat(r.getName()).isEqualTo("documents-consumer");
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(r.getData()).hasValueSatisfying(d -> assertThat(d).containsEntry("consumed", 42L));
    }

    @Test
    void aConsumerThatStoppedOnItsOwnIsDownWithTheReason() {
        String why = "shipping kiln.corpus.documents-0@17 failed: ProducerFencedException";
        HealthCheckResponse r = liveness(why);
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData()).hasValueSatisfying(d -> assertThat(d).containsEntry("stopped", why));
    }
}
