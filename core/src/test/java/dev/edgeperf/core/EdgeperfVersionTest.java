package dev.edgeperf.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EdgeperfVersionTest {
    @Test
    void versionComesFromTheFilteredResource() {
        assertThat(EdgeperfVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
    }
}
