package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottleProbesTest {
    @TempDir
    Path dir;

    private Path fakeVcgencmd(String body) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("vcgencmd");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void vcgencmdOnThePathIsRunAndParsed() throws Exception {
        Path bin = fakeVcgencmd("[ \"$1\" = get_throttled ] && echo throttled=0x50005");
        VcgencmdProbe probe = VcgencmdProbe.fromPath(dir.resolve("empty") + ":" + bin);
        assertThat(probe.available()).isTrue();
        assertThat(probe.throttled()).hasValue(0x50005L);
    }

    @Test
    void absentOrBrokenVcgencmdIsUnknown() throws Exception {
        assertThat(VcgencmdProbe.fromPath(dir.toString()).throttled()).isEmpty();
        assertThat(VcgencmdProbe.fromPath(null).throttled()).isEmpty();
        Path bin = fakeVcgencmd("echo 'VCHI initialization failed'; exit 1");
        assertThat(VcgencmdProbe.fromPath(bin.toString()).throttled()).isEmpty();
        assertThat(VcgencmdProbe.parse("garbage")).isEmpty();
        assertThat(VcgencmdProbe.parse("throttled=0x0")).hasValue(0);
    }

    @Test
    void bitsAreNamed() {
        assertThat(VcgencmdProbe.describe(0x50005L)).containsExactly("under-voltage", "throttled",
                "under-voltage (occurred)", "throttled (occurred)");
    }

    @Test
    void vcgencmdEvidenceCountsCurrentBitsAndNewStickyBitsOnly() {
        DeviceState stickyBefore = state(OptionalLong.of(0x50000L), List.of());
        DeviceState sameAfter = state(OptionalLong.of(0x50000L), List.of());
        assertThat(DeviceState.throttleEvidence(stickyBefore, sameAfter)).isEmpty();

        DeviceState clean = state(OptionalLong.of(0), List.of());
        DeviceState cappedDuring = state(OptionalLong.of(0x20000L), List.of());
        assertThat(DeviceState.throttleEvidence(clean, cappedDuring))
                .containsExactly("vcgencmd get_throttled=0x20000 (arm frequency capped (occurred))");

        DeviceState throttledNow = state(OptionalLong.of(0x50005L), List.of());
        assertThat(DeviceState.throttleEvidence(stickyBefore, throttledNow)).singleElement().asString()
                .startsWith("vcgencmd get_throttled=0x50005 (under-voltage, throttled");
    }

    @Test
    void zonesAtOrAboveTheirPassiveTripPointAreEvidence() throws Exception {
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/temp", "86000\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/trip_point_0_type", "active\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/trip_point_0_temp", "60000\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/trip_point_1_type", "passive\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/trip_point_1_temp", "85000\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone1/type", "gpu-thermal\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone1/temp", "70000\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone1/trip_point_0_type", "active\n");
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone1/trip_point_0_temp", "60000\n");
        DeviceSensors sensors = new DeviceSensors(dir);
        assertThat(sensors.zonesAtTrip()).containsExactly("cpu-thermal 86.0°C >= 85.0°C (passive)");
        DeviceState after = sensors.read();
        assertThat(DeviceState.throttleEvidence(DeviceState.unknown(), after))
                .contains("thermal zone cpu-thermal 86.0°C >= 85.0°C (passive)");
        // a fan starting (active trip) is not throttling
        FakeTrees.write(dir, "sys/class/thermal/thermal_zone0/temp", "65000\n");
        assertThat(sensors.zonesAtTrip()).isEmpty();
    }

    @Test
    void frequencyDropIsNamedWithBothFrequencies() {
        DeviceState before = new DeviceState(OptionalDouble.empty(), OptionalLong.of(1_800_000_000L));
        DeviceState after = new DeviceState(OptionalDouble.empty(), OptionalLong.of(1_500_000_000L));
        assertThat(DeviceState.throttleEvidence(before, after)).containsExactly("cpu0 frequency dropped 1800 -> 1500 MHz");
    }

    @Test
    void hostFactsReadGovernorLoadAndMemoryAndDegrade() throws Exception {
        FakeTrees.write(dir, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "ondemand\n");
        FakeTrees.write(dir, "proc/loadavg", "1.50 0.80 0.40 2/300 999\n");
        FakeTrees.write(dir, "proc/self/status", "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n");
        HostFacts facts = new HostFacts(dir);
        assertThat(facts.cpuGovernor()).contains("ondemand");
        assertThat(facts.loadAverage1m()).hasValue(1.5);
        assertThat(facts.peakResidentBytes()).hasValue(204800L * 1024);
        assertThat(facts.residentBytes()).hasValue(102400L * 1024);
        HostFacts empty = new HostFacts(dir.resolve("nothing"));
        assertThat(empty.cpuGovernor()).isEmpty();
        assertThat(empty.loadAverage1m()).isEmpty();
        assertThat(empty.peakResidentBytes()).isEmpty();
        assertThat(HostFacts.parseStatusKb("VmHWM: lots", "VmHWM")).isEmpty();
        assertThat(new HostFacts(Path.of("/")).peakResidentBytes()).isPresent();
    }

    private static DeviceState state(OptionalLong bits, List<String> zones) {
        return new DeviceState(OptionalDouble.empty(), OptionalLong.empty(), bits, zones);
    }
}
