package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelModelsTest {
    @Test
    void everyGeneratedModelRunsAsOneKernelOfItsTypeUnderTheCap() {
        long cap = 50_000_000L;
        KernelModels models = new KernelModels(42, cap);
        for (KernelType type : KernelType.values()) {
            if (!type.learned()) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                byte[] bytes = models.next(type);
                List<Kernel> kernels = KernelDetector.detect(OnnxModels.parse(bytes, "k"), "k", 1, Map.of(), Map.of());
                assertThat(kernels).as(type + " sample " + i).hasSize(1);
                Kernel k = kernels.get(0);
                assertThat(k.type()).as(type + " as " + k.opType() + " " + k.features()).contains(type);
                assertThat(k.regressorKey()).contains(type.key());
                assertThat(k.flops()).isLessThanOrEqualTo(cap);
                assertThat(k.bytes()).isPositive();
            }
        }
    }
}
