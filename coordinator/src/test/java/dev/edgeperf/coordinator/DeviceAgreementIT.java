package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 1, the on-device check, through the packaged coordinator, one packaged agent and the CLI: every
 * variant's jobs carry a reference set and the agent's agreement with the coordinator's outputs lands in the store
 * and in the result rows.
 */
class DeviceAgreementIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void baselineAndInt8StaticAgreeWithTheCoordinatorsOutputsOnTheDevice() throws Exception {
        OneAgent fleet = OneAgent.start(processes, tmp);
        String grpc = fleet.grpc();
        String jdbc = fleet.jdbc();
        Path dataDir = fleet.dataDir();

        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1,4", "--variant", "baseline,quantized:int8-static", "--json",
                "--coordinator", grpc, "--data-dir", dataDir.toString(), "--warmup", "1", "--min-iterations", "3",
                "--min-duration-ms", "10", "--max-duration-ms", "1000", "--timeout", "4m"),
                tmp.resolve("cli"), Duration.ofMinutes(5));
        assertThat(run.exitCode()).as("campaign run stderr: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("agent-1.log"))).isZero();

        Map<String, Double> cosine = new HashMap<>();
        int rows = 0;
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT j.variant_recipe, j.batch_size, r.device_agreement_cosine,"
                     + " r.device_max_abs_diff, r.device_disagrees, r.device_agreement_error FROM results r"
                     + " JOIN jobs j ON j.id = r.job_id")) {
            while (rs.next()) {
                rows++;
                String what = rs.getString(1) + "/" + rs.getInt(2);
                double cos = rs.getDouble(3);
                assertThat(rs.wasNull()).as("%s has an agreement cosine (error: %s)", what, rs.getString(6)).isFalse();
                // the device runs the same kernels as the coordinator: the same outputs up to float rounding
                assertThat(cos).as(what).isGreaterThan(0.9999);
                assertThat(rs.getDouble(4)).as(what).isBetween(0.0, 1e-3);
                assertThat(rs.getBoolean(5)).as(what).isFalse();
                assertThat(rs.getString(6)).as(what).isNull();
                cosine.put(what, cos);
            }
        }
        assertThat(rows).isEqualTo(4);
        assertThat(cosine).containsOnlyKeys("baseline/1", "baseline/4", "quantized:int8-static/1",
                "quantized:int8-static/4");

        JsonNode json = new ObjectMapper().readTree(run.stdout());
        assertThat(json.get("rows")).hasSize(4);
        assertThat(json.toString()).contains("deviceAgreementCosine").contains("deviceDisagrees");
    }
}
