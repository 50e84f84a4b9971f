package dev.edgeperf.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {
    @TempDir
    Path root;

    private static DatasetLocator locator(Map<String, String> props, Map<String, String> env, Path cwd) {
        return new DatasetLocator(props::get, env::get, cwd);
    }

    @Test
    void systemPropertyWinsOverEnvironmentAndLocalFolder() throws IOException {
        Path byProperty = Files.createDirectories(root.resolve("p"));
        Path byEnv = Files.createDirectories(root.resolve("e"));
        Files.createDirectories(root.resolve("datasets"));
        assertThat(locator(Map.of(DatasetLocator.PROPERTY, byProperty.toString()), Map.of(DatasetLocator.ENV, byEnv.toString()), root)
                .locate()).contains(byProperty);
        assertThat(locator(Map.of(), Map.of(DatasetLocator.ENV, "e"), root).locate()).contains(byEnv);
        assertThat(locator(Map.of(), Map.of(), root).locate()).contains(root.resolve("datasets"));
    }

    @Test
    void findsTheCheckoutsFolderFromASubfolder() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.writeString(root.resolve("scripts/fetch-datasets.sh"), "#!/bin/sh\n");
        Path core = Files.createDirectories(root.resolve("core/target"));
        assertThat(locator(Map.of(), Map.of(), core).locate()).isEmpty();
        Files.createDirectories(root.resolve("datasets"));
        assertThat(locator(Map.of(), Map.of(), core).locate()).contains(root.resolve("datasets"));
    }

    @Test
    void explicitSettingThatIsNotAFolderIsAnError() {
        DatasetLocator locator = locator(Map.of(), Map.of(DatasetLocator.ENV, "/no/such/dir"), root);
        assertThatThrownBy(locator::locate)
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("EDGEPERF_DATASETS")
                .hasMessageContaining("/no/such/dir");
    }

    @Test
    void requireSaysWhereItLooked() {
        assertThatThrownBy(() -> locator(Map.of(), Map.of(), root).require())
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(root.resolve("datasets").toString())
                .hasMessageContaining("fetch-datasets.sh");
    }
}
