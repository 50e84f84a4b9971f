package dev.edgeperf.core.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MeasurementSettingsTest {
    private static final MeasurementSettings BASE = new MeasurementSettings(5, 10, 100, 1_000, 0.02, false, 1, false);

    /** One field changed from {@link #BASE}, by name. */
    private static MeasurementSettings with(String field, Number v) {
        var b = BASE.toProto().toBuilder();
        switch (field) {
            case "warmup_iterations" -> b.setWarmupIterations(v.intValue());
            case "min_iterations" -> b.setMinIterations(v.intValue());
            case "min_duration_ms" -> b.setMinDurationMs(v.longValue());
            case "max_duration_ms" -> b.setMaxDurationMs(v.longValue()).setMinDurationMs(0);
            case "target_ci_half_width" -> b.setTargetCiHalfWidth(v.doubleValue());
            case "concurrency" -> b.setConcurrency(v.intValue());
            default -> throw new IllegalArgumentException(field);
        }
        return MeasurementSettings.fromProto(b.build());
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("warmup_iterations", 0), Arguments.of("warmup_iterations", 1_000_000),
                Arguments.of("min_iterations", 0), Arguments.of("min_iterations", 1_000_000_000),
                Arguments.of("min_duration_ms", 0), Arguments.of("min_duration_ms", 1_000),
                Arguments.of("max_duration_ms", 1), Arguments.of("max_duration_ms", 86_400_000L),
                Arguments.of("target_ci_half_width", 0.0), Arguments.of("target_ci_half_width", 0.001),
                Arguments.of("target_ci_half_width", 0.999),
                Arguments.of("concurrency", 0), Arguments.of("concurrency", 1), Arguments.of("concurrency", 1024));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("warmup_iterations", -1, "[0, 1000000]"),
                Arguments.of("warmup_iterations", 1_000_001, "[0, 1000000]"),
                Arguments.of("min_iterations", -1, "[0, 1000000000]"),
                Arguments.of("min_iterations", 1_000_000_001, "[0, 1000000000]"),
                Arguments.of("min_duration_ms", -1, "[0, 86400000]"),
                Arguments.of("min_duration_ms", 1_001, "max_duration_ms >= min_duration_ms"),
                Arguments.of("max_duration_ms", 0, "[1, 86400000]"),
                Arguments.of("max_duration_ms", 86_400_001L, "[1, 86400000]"),
                Arguments.of("target_ci_half_width", -0.01, "0 (off) or [0.001, 1.0)"),
                Arguments.of("target_ci_half_width", 0.0005, "0 (off) or [0.001, 1.0)"),
                Arguments.of("target_ci_half_width", 1.0, "0 (off) or [0.001, 1.0)"),
                Arguments.of("target_ci_half_width", Double.NaN, "0 (off) or [0.001, 1.0)"),
                Arguments.of("concurrency", -1, "[0, 1024]"),
                Arguments.of("concurrency", 1025, "[0, 1024]"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("accepted")
    void boundsAreInclusiveWhereDocumented(String field, Number value) {
        assertThat(with(field, value)).isNotNull();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("rejected")
    void outOfRangeIsOneUserErrorLineNamingFieldValueAndRange(String field, Number value, String range) {
        assertThatThrownBy(() -> with(field, value))
                .isInstanceOfSatisfying(EdgeperfException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR))
                .hasMessageContaining(field + "=")
                .hasMessageContaining(range)
                .hasMessageNotContaining("\n");
    }

    @Test
    void zeroMeansWhatTheFieldSays() {
        assertThat(with("concurrency", 0).concurrency()).isEqualTo(1);
        assertThat(with("concurrency", 0).throughputMode()).isFalse();
        assertThat(with("target_ci_half_width", 0.0).hasCiTarget()).isFalse();
        assertThat(with("warmup_iterations", 0).warmupIterations()).isZero();
        assertThat(with("min_duration_ms", 0).minDurationMs()).isZero();
    }

    /**
     * The case of issue 11: the coordinator accepted 0.0005 and every agent refused it. Every entry
     * point now goes through the one constructor, so all of them answer alike.
     */
    @Test
    void halfPerMilleTargetIsRejectedTheSameByEveryEntryPoint() {
        Function<ThrowingCallable, String> message = c -> {
            try {
                c.call();
                return "accepted";
            } catch (Throwable t) {
                return t.getMessage();
            }
        };
        String wire = message.apply(() -> MeasurementSettings.fromProto(
                dev.edgeperf.proto.MeasurementSettings.newBuilder().setMaxDurationMs(1_000)
                        .setTargetCiHalfWidth(0.0005).build()));
        String builder = message.apply(() -> MeasurementSettings.builder().targetCiHalfWidth(0.0005).build());
        String record = message.apply(() -> new MeasurementSettings(1, 1, 0, 1_000, 0.0005, false));
        assertThat(wire).isEqualTo(builder).isEqualTo(record)
                .startsWith("measurement setting target_ci_half_width=5.0E-4 is out of range");
    }

    @Test
    void absentOrEmptyWireMessageTakesTheDefaults() {
        MeasurementSettings d = MeasurementSettings.defaults();
        assertThat(MeasurementSettings.fromProto(null)).isEqualTo(d);
        assertThat(MeasurementSettings.fromProto(dev.edgeperf.proto.MeasurementSettings.getDefaultInstance()))
                .isEqualTo(d);
        assertThat(d).isEqualTo(new MeasurementSettings(MeasurementDefaults.WARMUP_ITERATIONS,
                MeasurementDefaults.MIN_ITERATIONS, MeasurementDefaults.MIN_DURATION_MS,
                MeasurementDefaults.MAX_DURATION_MS, MeasurementDefaults.TARGET_CI_HALF_WIDTH,
                MeasurementDefaults.WARMUP_UNTIL_STABLE, MeasurementDefaults.CONCURRENCY,
                MeasurementDefaults.IN_PROCESS));
    }

    @Test
    void protoRoundTripKeepsEveryFieldSoTheReceiverNeedsNoDefaults() {
        MeasurementSettings s = new MeasurementSettings(0, 0, 0, 7, 0, true, 8, true);
        assertThat(MeasurementSettings.fromProto(s.toProto())).isEqualTo(s);
        assertThat(s.toProto().getMaxDurationMs()).isEqualTo(7);
        assertThat(MeasurementSettings.defaults().toProto().getMinIterations())
                .isEqualTo(MeasurementDefaults.MIN_ITERATIONS);
    }

    @Test
    void builderGivesOneDurationWithoutRejectingTheOther() {
        assertThat(MeasurementSettings.builder().minDurationMs(20_000L).build().maxDurationMs()).isEqualTo(20_000);
        assertThat(MeasurementSettings.builder().maxDurationMs(200L).build().minDurationMs()).isEqualTo(200);
        assertThat(MeasurementSettings.builder().warmupIterations(0).build().warmupIterations()).isZero();
        assertThatThrownBy(() -> MeasurementSettings.builder().minDurationMs(5_000L).maxDurationMs(100L).build())
                .hasMessageContaining("max_duration_ms=100 is below min_duration_ms=5000");
    }

    @Test
    void warmupUntilStableBound() {
        assertThat(new MeasurementSettings(0, 1, 0, 10, 0, true).maxWarmupIterations())
                .isEqualTo(MeasurementDefaults.WARMUP_UNTIL_STABLE_FACTOR);
        assertThat(new MeasurementSettings(6, 1, 0, 10, 0, true).maxWarmupIterations()).isEqualTo(60);
    }
}
