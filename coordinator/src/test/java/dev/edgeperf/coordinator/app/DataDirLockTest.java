package dev.edgeperf.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aHeldFolderIsRefusedNamingTheHolderAndFreeAfterClose() throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            lock.describe("127.0.0.1:7700", "127.0.0.1:7780");
            assertThat(Files.readString(lock.file())).startsWith("pid " + ProcessHandle.current().pid() + " on ")
                    .contains("grpc 127.0.0.1:7700, http 127.0.0.1:7780, started ");

            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(EdgeperfException.class)
                    .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR))
                    .hasMessageStartingWith("data folder " + dir + " is in use by another coordinator (pid ")
                    .hasMessageContaining("grpc 127.0.0.1:7700");
        }
        DataDirLock.acquire(dir).close();
    }
}
