package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code serve}'s own flags, refused before anything starts. */
class ServeCommandTest {
    @Test
    void aProfileMaxAgeThatIsNoDurationIsAUserErrorNamingTheFlag() {
        CliCapture cli = new CliCapture();
        assertThat(cli.run("serve", "--profile-max-age", "2w")).isEqualTo(2);
        // picocli's parse error: the line naming the flag and the value, then the usage (as for every flag)
        assertThat(cli.err.toString().lines().findFirst().orElseThrow()).startsWith("Invalid value for option"
                + " '--profile-max-age'").contains("a duration must look like 500ms, 30s, 10m, 1h or 7d, got '2w'");
        assertThat(cli.out.toString()).isEmpty();
    }

    @Test
    void durationsTakeDays() {
        assertThat(new DurationConverter().convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(new DurationConverter().convert("0s")).isEqualTo(Duration.ZERO);
    }
}
