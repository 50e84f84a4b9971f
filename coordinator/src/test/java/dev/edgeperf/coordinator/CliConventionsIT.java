package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a shell uses it: address and token from the environment, campaigns named by prefix or latest. */
class CliConventionsIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    private Processes.Outcome cli(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Processes.javaJar(Processes.coordinatorJar(), args))
                .directory(tmp.toFile()); // no ./edgeperf-data here: everything must come from the environment
        builder.environment().remove("EDGEPERF_COORDINATOR");
        builder.environment().remove("EDGEPERF_TOKEN_FILE");
        builder.environment().remove("EDGEPERF_DATA_DIR");
        builder.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("finishes").isTrue();
        return new Processes.Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void environmentStandsInForTheFlagsAndCampaignsAreNamedByPrefixOrLatest() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        Map<String, String> env = Map.of("EDGEPERF_COORDINATOR", "127.0.0.1:" + listening.group(1),
                "EDGEPERF_TOKEN_FILE", dataDir.resolve("join-token").toString());
        // no agent is called that, so the campaigns stay queued
        Processes.Outcome first = cli(env, "campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--device",
                "name=nobody", "--detach");
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        Processes.Outcome second = cli(Map.of("EDGEPERF_COORDINATOR", "127.0.0.1:" + listening.group(1),
                "EDGEPERF_DATA_DIR", dataDir.toString()), "campaign", "run", "--model", "mnist-cnn", "--batch", "8",
                "--device", "name=nobody", "--detach", "--json");
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        String secondId = new ObjectMapper().readTree(second.stdout()).path("campaignId").asText();
        assertThat(secondId).hasSizeGreaterThan(8);

        Processes.Outcome latest = cli(env, "campaign", "status", "latest", "--json");
        assertThat(latest.exitCode()).as(latest.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(latest.stdout()).path("campaignId").asText()).isEqualTo(secondId);

        Processes.Outcome byPrefix = cli(env, "campaign", "cancel", secondId.substring(0, 8), "--json");
        assertThat(byPrefix.exitCode()).as(byPrefix.stderr()).isZero();
        JsonNode cancelled = new ObjectMapper().readTree(byPrefix.stdout());
        assertThat(cancelled.path("campaignId").asText()).isEqualTo(secondId);

        Processes.Outcome unknown = cli(env, "campaign", "status", "zz-no-such");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr().strip()).isEqualTo("edgeperf: no campaign has the id or id prefix 'zz-no-such'"
                + " (2 campaign(s) known; see campaign list)");
    }

    @Test
    void withoutAnyTokenTheErrorSaysWhereItLookedAndHowToPassOne() throws Exception {
        Path missing = tmp.resolve("nowhere/join-token");

        Processes.Outcome outcome = cli(Map.of("EDGEPERF_TOKEN_FILE", missing.toString()), "campaign", "list");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr().strip()).isEqualTo("edgeperf: no readable join token at " + missing
                + " (from $EDGEPERF_TOKEN_FILE); pass --token-file FILE or set EDGEPERF_TOKEN_FILE, or point"
                + " --data-dir / EDGEPERF_DATA_DIR at the coordinator's data folder (edgeperf serve writes"
                + " DIR/join-token)");
    }

    @Test
    void everyMainCommandShowsAnExampleAndTheRootTakesVerbose() throws Exception {
        for (List<String> command : List.of(List.of("--help"), List.of("serve", "--help"), List.of("demo", "--help"),
                List.of("campaign", "run", "--help"), List.of("campaign", "status", "--help"),
                List.of("campaign", "cancel", "--help"), List.of("campaign", "list", "--help"),
                List.of("models", "list", "--help"), List.of("models", "profile", "--help"),
                List.of("models", "export", "--help"), List.of("variants", "build", "--help"),
                List.of("campaign", "pareto", "--help"), List.of("campaign", "report", "--help"),
                List.of("recommend", "--help"))) {
            Processes.Outcome help = cli(Map.of(), command.toArray(String[]::new));
            assertThat(help.exitCode()).as(command.toString()).isZero();
            assertThat(help.stdout()).as(command.toString()).containsPattern("Examples?[^\\n]*:\\n(  export [^\\n]*\\n)*  edgeperf ");
        }
        assertThat(cli(Map.of(), "--help").stdout()).contains("-v, --verbose");
    }
}
