package dev.edgeperf.coordinator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.proto.CalibrationFile;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationSpecTest {
    @TempDir
    Path dir;

    private CampaignSpec parse(String yaml) {
        return new CampaignSpecParser("spec.yaml", dir, Set.of()).parse(yaml);
    }

    @Test
    void evaluationTravelsWithTheRequest() {
        CampaignSpec spec = parse("models: [mnist-cnn]\nbatch_sizes: [1]\nevaluation: mnist\n");
        assertThat(spec.evaluation().text()).isEqualTo("mnist");
        SubmitCampaignRequest r = spec.toRequest();
        assertThat(r.getEvaluationsList()).singleElement().satisfies(e -> {
            assertThat(e.getModel()).isEmpty();
            assertThat(e.getSource()).isEqualTo("mnist");
        });
    }

    @Test
    void badEvaluationIsALineNamingTheField() {
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nevaluation: random\n"))
                .hasMessageContaining("evaluation: 'random' has no labels");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nevaluation: images:nope\n"))
                .hasMessageContaining("evaluation: folder 'images:nope' does not exist");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nevaluation_preprocess: resize=2x2\n"))
                .hasMessageContaining("evaluation_preprocess: needs evaluation: images:DIR beside it");
    }

    @Test
    void imageFoldersTravelAsClassSlashFileAndMustHoldOnlyClassFolders() throws Exception {
        Files.createDirectories(dir.resolve("imgs/cat"));
        Files.write(dir.resolve("imgs/cat/1.png"), new byte[] {1, 2});
        Files.createDirectories(dir.resolve("imgs/dog"));
        Files.write(dir.resolve("imgs/dog/2.png"), new byte[] {3});
        var m = CampaignSpec.evaluationMessage("", CalibrationSource.parse("images:" + dir.resolve("imgs"), null, null));
        assertThat(m.getFilesList()).extracting(CalibrationFile::getName).containsExactly("cat/1.png", "dog/2.png");
        Files.write(dir.resolve("imgs/loose.png"), new byte[] {1});
        assertThatThrownBy(() -> CampaignSpec.evaluationMessage("", CalibrationSource.parse("images:"
                + dir.resolve("imgs"), null, null))).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("holds files beside its class sub-folders (loose.png)");
        Files.createDirectories(dir.resolve("t"));
        Files.write(dir.resolve("t/a.npy"), new byte[] {1});
        assertThatThrownBy(() -> CampaignSpec.evaluationMessage("", CalibrationSource.parse("tensors:" + dir.resolve("t"),
                null, null))).hasMessageContaining("labels.txt is missing");
    }

    @Test
    void tensorFoldersTravelWithTheirRunSubFoldersOtherFoldersFlat() throws Exception {
        for (String set : new String[] {"test_data_set_0", "test_data_set_1"}) {
            Files.createDirectories(dir.resolve("runs").resolve(set));
            Files.write(dir.resolve("runs").resolve(set).resolve("input_0.pb"), new byte[] {1});
            Files.write(dir.resolve("runs").resolve(set).resolve(".hidden"), new byte[] {1});
        }
        Files.write(dir.resolve("runs/labels.txt"), "0 1".getBytes());
        var t = CampaignSpec.evaluationMessage("", CalibrationSource.parse("tensors:" + dir.resolve("runs"), null, null));
        assertThat(t.getFilesList()).extracting(CalibrationFile::getName).containsExactly("labels.txt",
                "test_data_set_0/input_0.pb", "test_data_set_1/input_0.pb");
        var c = CampaignSpec.calibrationMessage("m", CalibrationSource.parse("tensors:" + dir.resolve("runs"), null,
                null));
        assertThat(c.getFilesList()).extracting(CalibrationFile::getName).contains("test_data_set_1/input_0.pb");
        // an image calibration folder is read flat, as variants build reads it: sub-folders do not travel
        Files.write(dir.resolve("runs/a.png"), new byte[] {2});
        var i = CampaignSpec.calibrationMessage("", CalibrationSource.parse("images:" + dir.resolve("runs"), null, null));
        assertThat(i.getFilesList()).extracting(CalibrationFile::getName).containsExactly("a.png", "labels.txt");
    }
}
