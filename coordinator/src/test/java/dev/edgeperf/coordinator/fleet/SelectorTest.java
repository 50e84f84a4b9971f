package dev.edgeperf.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectorTest {
    private static final AgentTraits PI = new AgentTraits("pi-1", "raspberry-pi-5", "aarch64",
            List.of("neon", "asimddp"), Map.of("rack", "a"));
    private static final AgentTraits XEON = new AgentTraits("xeon", "generic-x86_64", "x86_64",
            List.of("avx2", "avx512f", "fma"), Map.of());

    @Test
    void builtInKeysAndLabelsMatch() {
        assertThat(Selector.parse("board=rpi5").matches(PI)).isTrue();
        assertThat(Selector.parse("board=rpi5").matches(XEON)).isFalse();
        assertThat(Selector.parse("board=rpi4").matches(PI)).isFalse();
        assertThat(Selector.parse("arch=aarch64,rack=a").matches(PI)).isTrue();
        assertThat(Selector.parse("arch=aarch64,rack=b").matches(PI)).isFalse();
        assertThat(Selector.parse("isa=avx512f").matches(XEON)).isTrue();
        assertThat(Selector.parse("isa=avx512").matches(XEON)).as("family prefix").isTrue();
        assertThat(Selector.parse("isa=avx512").matches(PI)).isFalse();
        assertThat(Selector.parse("name=xeon").matches(XEON)).isTrue();
    }

    @Test
    void unknownKeysAreThoseNeitherBuiltInNorALabel() {
        assertThat(Selector.parse("bord=rpi5,rack=a,arch=x").unknownKeys(Set.of("rack"))).containsExactly("bord");
        assertThatThrownBy(() -> Selector.parse("rpi5")).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("'rpi5' is not key=value");
        assertThat(Selector.parse(" board = rpi5 , arch=aarch64").toString()).isEqualTo("board=rpi5,arch=aarch64");
    }
}
