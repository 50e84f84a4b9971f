package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.apply;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

/** The variant records and the profiler count parameters by one rule; storage changes keep the count. */
class ParameterRuleTest {
    private static long profiled(ModelProto m) {
        ModelProfile p = ModelProfiler.profile(m, "m", 0, ProfileOptions.batch(1));
        return p.totalParams();
    }

    @Test
    void zooModelsCountTheSameInTheRecordsAndTheProfile() {
        for (String name : ModelZoo.names()) {
            ModelProto m = ModelZoo.buildProto(name);
            assertThat(NonZeroCounter.count(m, name)[0]).as(name).isEqualTo(profiled(m));
        }
    }

    @Test
    void quantizedAndClusteredVariantsKeepTheBaselineCountInBoth() {
        ModelProto base = ModelZoo.buildProto("mnist-cnn");
        for (String recipe : new String[] {"quantized:int8-static", "quantized:int8-dynamic", "quantized:fp16",
            "clustered:16"}) {
            ModelProto v = apply(base, recipe).model();
            long[] record = NonZeroCounter.count(v, recipe);
            assertThat(record[0]).as(recipe).isEqualTo(profiled(v)).isEqualTo(370_338);
            assertThat(record[1]).as(recipe).isPositive().isLessThanOrEqualTo(record[0]);
        }
    }
}
