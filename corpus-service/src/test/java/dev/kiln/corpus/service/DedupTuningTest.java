package dev.kiln.corpus.service;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each dedup throughput setting out of range fails start-up with a message naming its key. */
class DedupTuningTest {
    @Test
    void outOfRangeSettingsNameTheirKey() {
        Duration ok = Duration.ofMillis(5);
        assertThatThrownBy(() -> new KafkaDedupIndex.Tuning(Duration.ZERO, ok, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kiln.corpus.dedup.commit-interval");
        assertThatThrownBy(() -> new KafkaDedupIndex.Tuning(ok, Duration.ofNanos(999), 65536))
                .hasMessageContaining("kiln.corpus.dedup.batch-linger");
        assertThatThrownBy(() -> new KafkaDedupIndex.Tuning(ok, ok, 1023))
                .hasMessageContaining("kiln.corpus.dedup.batch-bytes");
        assertThatThrownBy(() -> new KafkaDedupIndex.Tuning(ok, ok, 900 * 1024 + 1))
                .hasMessageContaining("under the broker's 1 MiB message limit");
        new KafkaDedupIndex.Tuning(Duration.ofMillis(1), Duration.ofNanos(1000), 900 * 1024);
    }
}
