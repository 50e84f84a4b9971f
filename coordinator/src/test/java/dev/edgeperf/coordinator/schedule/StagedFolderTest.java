package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StagedFolderTest {
    private static final CalibrationSource TENSORS = CalibrationSource.parse("tensors:t", null, null);

    @Test
    void namesAndOneLevelOfSubFoldersAreStagedAndRemovedOnClose() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("labels.txt", new byte[] {'0'});
        files.put("test_data_set_0/input_0.pb", new byte[] {1, 2});
        Path dir;
        try (StagedFolder staged = StagedFolder.of(files, TENSORS, "calibration")) {
            dir = staged.dir();
            assertThat(staged.source(TENSORS).folder()).isEqualTo(dir);
            assertThat(Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb"))).containsExactly(1, 2);
            assertThat(dir.resolve("labels.txt")).exists();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void aNameThatLeavesTheFolderOrGoesDeeperIsOneLineAndNothingIsStaged() {
        for (String bad : new String[] {"../x.npy", "a/b/c.npy", ".hidden", "a/", "/abs.npy", "a\\b.npy"}) {
            assertThatThrownBy(() -> StagedFolder.of(Map.of(bad, new byte[] {1}), TENSORS, "evaluation"))
                    .as(bad).isInstanceOf(EdgeperfException.class)
                    .hasMessage("evaluation file name '" + bad + "' is not NAME or SUB/NAME");
        }
        assertThatThrownBy(() -> StagedFolder.of(Map.of(), TENSORS, "calibration")).isInstanceOf(EdgeperfException.class)
                .hasMessage("calibration tensors:t came without its files; expected the folder's files sent with the"
                        + " campaign");
    }
}
