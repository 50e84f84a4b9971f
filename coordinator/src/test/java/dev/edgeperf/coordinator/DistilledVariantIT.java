package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI builds a distilled student from the zoo's mnist-cnn, and refuses a 3-channel teacher. */
class DistilledVariantIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void variantsBuildDistilsAStudentAndRecordsTeacherHardAndDistilledAccuracy() throws Exception {
        Path data = DatasetLocator.system().locate().filter(d -> Datasets.isPresent(Datasets.MNIST, d)).orElse(null);
        if (data == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("MNIST not found but CI=true");
            }
            Assumptions.abort("MNIST not found (scripts/fetch-datasets.sh)");
        }
        Path out = tmp.resolve("v");
        Processes.Outcome o = processes.run(Processes.javaJar(Processes.coordinatorJar(), "variants", "build",
                "mnist-cnn", "--variants", "distilled:mnist-cnn:width=0.5,T=4,alpha=0.7,epochs=1", "--calibration",
                "mnist", "--datasets", data.toString(), "--train-images", "2000", "--eval-images", "500", "--out",
                out.toString()), tmp.resolve("cli"), Duration.ofMinutes(4));

        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("distilled:mnist-cnn:width=0.5,T=4,alpha=0.7,epochs=1,seed=20240601",
                "vs hard labels only");
        JsonNode d = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")))
                .path("variants").get(0).path("distillation");
        assertThat(d.path("teacherAccuracy").asDouble()).isGreaterThan(0.95);
        assertThat(d.path("distilledAccuracy").asDouble()).isBetween(0.5, 1.0);
        assertThat(d.path("hardLabelAccuracy").asDouble()).isBetween(0.5, 1.0);
        assertThat(d.path("evaluatedOn").asText()).isEqualTo("mnist test split, first 500 images");

        Processes.Outcome bad = processes.run(Processes.javaJar(Processes.coordinatorJar(), "variants", "build",
                "resnet18", "--variants", "distilled:mnist-cnn", "--calibration", "mnist", "--out",
                tmp.resolve("bad").toString()), tmp.resolve("cli"), Duration.ofMinutes(2));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr().strip()).hasLineCount(1).contains("cannot take teacher resnet18's input");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }
}
