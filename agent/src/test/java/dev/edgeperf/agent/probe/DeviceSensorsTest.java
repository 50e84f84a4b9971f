package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceSensorsTest {
    @Test
    void readsPiTemperatureAndFrequency(@TempDir Path root) throws Exception {
        DeviceState s = new DeviceSensors(FakeTrees.pi4(root)).read();
        assertThat(s.cpuTempC()).hasValue(47.712);
        assertThat(s.cpuFreqHz()).hasValue(600_000_000L);
        assertThat(new DeviceSensors(root).maxFreqHz()).hasValue(1_800_000_000L);
    }

    @Test
    void prefersTheCpuZoneOnOrin(@TempDir Path root) throws Exception {
        assertThat(new DeviceSensors(FakeTrees.orinNano(root)).cpuTempC()).hasValue(45.5);
    }

    @Test
    void emptyTreeIsUnknownNotAnError(@TempDir Path root) {
        DeviceState s = new DeviceSensors(root).read();
        assertThat(s).isEqualTo(DeviceState.unknown());
        assertThat(new DeviceSensors(root).maxFreqHz()).isEmpty();
    }

    @Test
    void garbageAndAbsurdValuesAreUnknown(@TempDir Path root) throws Exception {
        FakeTrees.write(root, "sys/class/thermal/thermal_zone0/temp", "not a number\n");
        FakeTrees.write(root, "sys/class/thermal/thermal_zone1/temp", "-273000\n");
        FakeTrees.write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "<unsupported>\n");
        DeviceState s = new DeviceSensors(root, () -> 0.0).read();
        assertThat(s.cpuTempC()).isEmpty();
        assertThat(s.cpuFreqHz()).isEmpty();
    }

    @Test
    void fallbackTemperatureIsUsedWhenSysfsHasNone(@TempDir Path root) {
        assertThat(new DeviceSensors(root, () -> 52.0).cpuTempC()).hasValue(52.0);
        assertThat(new DeviceSensors(root, () -> {
            throw new IllegalStateException("no sensors");
        }).cpuTempC()).isEmpty();
    }

    @Test
    void throttlingIsAFrequencyDropAboveTenPercentOrEightyDegrees() {
        DeviceState cool = new DeviceState(OptionalDouble.of(50), OptionalLong.of(2_000_000_000L));
        DeviceState slightlySlower = new DeviceState(OptionalDouble.of(55), OptionalLong.of(1_850_000_000L));
        DeviceState muchSlower = new DeviceState(OptionalDouble.of(55), OptionalLong.of(1_700_000_000L));
        DeviceState hot = new DeviceState(OptionalDouble.of(80), OptionalLong.of(2_000_000_000L));
        assertThat(DeviceState.throttled(cool, slightlySlower)).isFalse();
        assertThat(DeviceState.throttled(cool, muchSlower)).isTrue();
        assertThat(DeviceState.throttled(cool, hot)).isTrue();
        assertThat(DeviceState.throttled(DeviceState.unknown(), DeviceState.unknown())).isFalse();
    }
}
