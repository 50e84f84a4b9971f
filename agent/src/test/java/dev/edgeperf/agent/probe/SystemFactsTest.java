package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 11: one failing OSHI call (no libudev) zeroed every fact; now each is read on its own. */
class SystemFactsTest {
    /** A source where the named facts fail the way OSHI does on a board without its native helpers. */
    private static SystemFacts.Source failing(Set<String> broken) {
        return new SystemFacts.Source() {
            private <T> T fact(String name, T value) {
                if (broken.contains(name)) {
                    throw new NoClassDefFoundError("Could not initialize class oshi.jna.platform.linux.Udev");
                }
                return value;
            }

            @Override
            public String cpuName() {
                return fact("cpuName", "  Test CPU  ");
            }

            @Override
            public int physicalCores() {
                return fact("physicalCores", 4);
            }

            @Override
            public int logicalCores() {
                return fact("logicalCores", 8);
            }

            @Override
            public long maxFreqHz() {
                return fact("maxFreqHz", 3_000_000_000L);
            }

            @Override
            public long memoryBytes() {
                return fact("memoryBytes", 16L << 30);
            }

            @Override
            public String os() {
                if (broken.contains("os")) {
                    throw new IllegalStateException("no os-release");
                }
                return "TestOS 1";
            }

            @Override
            public String hostname() {
                return fact("hostname", "box-1");
            }
        };
    }

    @Test
    void aFailingProcessorCallLeavesMemoryAndTheRestKnown() {
        SystemFacts f = SystemFacts.of(failing(Set.of("cpuName", "physicalCores", "maxFreqHz")), "amd64");
        assertThat(f.cpuName()).isEmpty();
        assertThat(f.physicalCores()).isZero();
        assertThat(f.maxFreqHz()).isZero();
        assertThat(f.logicalCores()).isEqualTo(8);
        assertThat(f.memoryBytes()).isEqualTo(16L << 30);
        assertThat(f.os()).isEqualTo("TestOS 1");
        assertThat(f.hostname()).isEqualTo("box-1");
        assertThat(f.osArch()).isEqualTo("amd64");
    }

    @Test
    void aFailingMemoryCallLeavesTheProcessorKnown() {
        SystemFacts f = SystemFacts.of(failing(Set.of("memoryBytes", "os")), "aarch64");
        assertThat(f.memoryBytes()).isZero();
        assertThat(f.os()).isEmpty();
        assertThat(f.cpuName()).isEqualTo("Test CPU");
        assertThat(f.physicalCores()).isEqualTo(4);
    }

    @Test
    void everythingFailingIsAllUnknownWithAHostnameStill() {
        SystemFacts f = SystemFacts.of(failing(Set.of("cpuName", "physicalCores", "logicalCores", "maxFreqHz",
                "memoryBytes", "os", "hostname")), "x86_64");
        assertThat(f.cpuName()).isEmpty();
        assertThat(f.memoryBytes()).isZero();
        assertThat(f.hostname()).as("from the JVM or the environment").isNotBlank();
    }

    @Test
    void probeFillsUnknownMemoryFromProcMeminfo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
            throws Exception {
        FakeTrees.pi5(root);
        FakeTrees.write(root, "proc/meminfo", "MemTotal:        8245632 kB\nMemFree:         1000 kB\n");
        SystemFacts noMemory = SystemFacts.of(failing(Set.of("memoryBytes")), "aarch64");
        assertThat(new HardwareProbe(root).assemble(noMemory).memoryBytes()).isEqualTo(8245632L * 1024);
    }
}
