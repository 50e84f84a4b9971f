package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooCostsTest {
    @TempDir
    Path cacheDir;

    @Test
    void measuresOnceThenReadsTheCache() throws Exception {
        ZooCosts.Entry measured = ZooCosts.open(cacheDir).get("keras-mlp");
        assertThat(measured.fromCache()).isFalse();
        assertThat(measured.totalParams()).isEqualTo(387);
        assertThat(measured.totalMacs()).isEqualTo(3 * 5 + 5 * 8 + 8 * 10 + 10 * 15 + 15 * 4);

        ZooCosts again = ZooCosts.open(cacheDir);
        assertThat(again.cacheFile()).exists().hasParent(cacheDir);
        assertThat(again.cacheFile().getFileName().toString()).matches("zoo-costs-[0-9a-f]{16}\\.properties");
        ZooCosts.Entry cached = again.get("keras-mlp");
        assertThat(cached.fromCache()).isTrue();
        assertThat(cached).isEqualTo(new ZooCosts.Entry("keras-mlp", 387, 249, measured.totalMacs(),
                measured.totalFlops(), measured.fileSizeBytes(), true));
        ModelProfile direct = ModelProfiler.profile(dev.edgeperf.core.zoo.ModelZoo.build("keras-mlp"), "keras-mlp",
                new ProfileOptions(1, Map.of(), CountingConvention.SEED));
        assertThat(cached.fileSizeBytes()).isEqualTo(direct.fileSizeBytes());
        assertThat(cached.totalFlops()).isEqualTo(direct.totalFlops());
    }

    @Test
    void theCacheIsKeyedByTheCodeThatDecidesTheCounts() {
        // Trainable counts come from ParameterCounter reading the training_info that the zoo builders
        // write: a change to either must change the fingerprint, hence the cache file's name.
        for (Class<?> c : new Class<?>[] {ParameterCounter.class, CostRules.class, ModelProfiler.class,
                dev.edgeperf.core.zoo.ModelZoo.class, dev.edgeperf.core.onnx.ShapeInference.class}) {
            assertThat(c.getPackageName()).startsWith("dev.edgeperf.core.");
            assertThat(ZooCosts.FINGERPRINTED_PACKAGES).as(c.getName())
                    .contains(c.getPackageName().substring("dev.edgeperf.core.".length()));
        }
        assertThat(ZooCosts.codeFingerprint()).matches("[0-9a-f]{16}");
        assertThat(ZooCosts.open(cacheDir).cacheFile().getFileName().toString())
                .isEqualTo("zoo-costs-" + ZooCosts.codeFingerprint() + ".properties");
    }

    @Test
    void aDamagedCacheIsMeasuredAgain() throws Exception {
        Path file = ZooCosts.open(cacheDir).cacheFile();
        Files.createDirectories(file.getParent());
        Files.writeString(file, "keras-mlp.totalParams=not-a-number\nkeras-mlp.totalMacs=\\u12");
        ZooCosts.Entry e = ZooCosts.open(cacheDir).get("keras-mlp");
        assertThat(e.fromCache()).isFalse();
        assertThat(e.totalParams()).isEqualTo(387);
    }

    @Test
    void unknownModelIsAUserErrorAndNoCacheMeansMeasuring() {
        assertThatThrownBy(() -> ZooCosts.open(cacheDir).get("resnet51")).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("resnet51");
        assertThat(ZooCosts.open(null).get("seed-conv").fromCache()).isFalse();
        assertThat(ZooCosts.open(null).get("seed-conv").totalFlops()).isEqualTo(20_377_728L);
    }

    @Test
    void cacheDirFollowsTheEnvironment() {
        assertThat(ZooCosts.defaultCacheDir(Map.of("EDGEPERF_CACHE_DIR", "/a", "XDG_CACHE_HOME", "/b")))
                .isEqualTo(Path.of("/a"));
        assertThat(ZooCosts.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/b"))).isEqualTo(Path.of("/b/edgeperf"));
        assertThat(ZooCosts.defaultCacheDir(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"),
                ".cache", "edgeperf"));
    }
}
