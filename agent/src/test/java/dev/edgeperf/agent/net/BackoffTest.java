package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromHalfASecondToTenSecondsAndResets() {
        Backoff b = new Backoff(() -> 0.5); // jitter factor exactly 1.0
        assertThat(b.nextDelayMs()).isEqualTo(500);
        assertThat(b.nextDelayMs()).isEqualTo(1000);
        assertThat(b.nextDelayMs()).isEqualTo(2000);
        assertThat(b.nextDelayMs()).isEqualTo(4000);
        assertThat(b.nextDelayMs()).isEqualTo(8000);
        assertThat(b.nextDelayMs()).isEqualTo(10000);
        assertThat(b.nextDelayMs()).isEqualTo(10000);
        b.reset();
        assertThat(b.nextDelayMs()).isEqualTo(500);
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        assertThat(new Backoff(() -> 0.0).nextDelayMs()).isEqualTo(400);
        assertThat(new Backoff(() -> 0.999999).nextDelayMs()).isEqualTo(600);
    }
}
