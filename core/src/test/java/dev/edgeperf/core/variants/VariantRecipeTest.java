package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import org.junit.jupiter.api.Test;

class VariantRecipeTest {
    @Test
    void parsesEveryRecipe() {
        assertThat(VariantRecipe.parse("baseline").kind()).isEqualTo(VariantRecipe.Kind.BASELINE);
        VariantRecipe p = VariantRecipe.parse("pruned:unstructured:0.5");
        assertThat(p.kind()).isEqualTo(VariantRecipe.Kind.PRUNED_UNSTRUCTURED);
        assertThat(p.sparsity()).isEqualTo(0.5);
        assertThat(VariantRecipe.parse("pruned:structured:0.25").sparsity()).isEqualTo(0.25);
        assertThat(VariantRecipe.parse("quantized:int8-dynamic").kind()).isEqualTo(VariantRecipe.Kind.QUANTIZED_INT8_DYNAMIC);
        assertThat(VariantRecipe.parse("quantized:int8-static").calibration()).isEqualTo(CalibrationMethod.MIN_MAX);
        assertThat(VariantRecipe.parse("quantized:int8-static:percentile").calibration())
                .isEqualTo(CalibrationMethod.PERCENTILE);
        assertThat(VariantRecipe.parse("quantized:int8-static:percentile").fp32Depthwise()).isFalse();
        VariantRecipe dw = VariantRecipe.parse("quantized:int8-static:percentile:fp32-depthwise");
        assertThat(dw.calibration()).isEqualTo(CalibrationMethod.PERCENTILE);
        assertThat(dw.fp32Depthwise()).isTrue();
        assertThat(dw.fileSuffix()).isEqualTo("quantized-int8-static-percentile-fp32-depthwise");
        VariantRecipe both = VariantRecipe.parse("quantized:int8-static:fp32-depthwise:fp32-matmul");
        assertThat(both.fp32Depthwise()).isTrue();
        assertThat(both.fp32MatMul()).isTrue();
        assertThat(dw.fp32MatMul()).isFalse();
        assertThat(dw.fp32SlowConvs()).isFalse();
        VariantRecipe slow = VariantRecipe.parse("quantized:int8-static:percentile:fp32-slow-convs");
        assertThat(slow.fp32SlowConvs()).isTrue();
        assertThat(slow.calibration()).isEqualTo(CalibrationMethod.PERCENTILE);
        assertThat(slow.fp32Depthwise()).isFalse();
        VariantRecipe three = VariantRecipe.parse("quantized:int8-static:fp32-depthwise:fp32-matmul:fp32-slow-convs");
        assertThat(three.fp32Depthwise() && three.fp32MatMul() && three.fp32SlowConvs()).isTrue();
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-slow-convs:fp32-matmul"))
                .hasMessageContaining("unknown calibration method 'fp32-slow-convs'");
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-matmul:fp32-depthwise"))
                .hasMessageContaining("unknown calibration method 'fp32-matmul'");
        assertThat(VariantRecipe.parse("quantized:int8-static:fp32-depthwise").calibration())
                .isEqualTo(CalibrationMethod.MIN_MAX);
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-depthwise:percentile"))
                .hasMessageContaining("unknown variant recipe");
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:minmax:percentile:fp32-depthwise"))
                .hasMessageContaining("unknown variant recipe");
        assertThat(VariantRecipe.parse("quantized:fp16").kind()).isEqualTo(VariantRecipe.Kind.QUANTIZED_FP16);
        assertThat(VariantRecipe.parse("separable").kind()).isEqualTo(VariantRecipe.Kind.SEPARABLE);
        assertThat(VariantRecipe.parse("clustered:16").clusters()).isEqualTo(16);
    }

    @Test
    void parsesTheMseMethodAndFp32SensitiveCount() {
        assertThat(VariantRecipe.parse("quantized:int8-static:mse").calibration()).isEqualTo(CalibrationMethod.MSE);
        VariantRecipe r = VariantRecipe.parse("quantized:int8-static:mse:fp32-depthwise:fp32-sensitive=04");
        assertThat(r.calibration()).isEqualTo(CalibrationMethod.MSE);
        assertThat(r.fp32Depthwise()).isTrue();
        assertThat(r.fp32Sensitive()).isEqualTo(4);
        assertThat(r.text()).isEqualTo("quantized:int8-static:mse:fp32-depthwise:fp32-sensitive=4");
        assertThat(VariantRecipe.parse("quantized:int8-static:fp32-sensitive=2").calibration())
                .isEqualTo(CalibrationMethod.MIN_MAX);
        assertThat(VariantRecipe.parse("quantized:int8-static:percentile").fp32Sensitive()).isZero();
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-sensitive=0"))
                .hasMessageContaining("fp32-sensitive count 0 in recipe").hasMessageContaining("[1, 64]");
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-sensitive=x"))
                .hasMessageContaining("fp32-sensitive count 'x'");
        assertThatThrownBy(() -> VariantRecipe.parse("quantized:int8-static:fp32-sensitive=2:fp32-matmul"))
                .hasMessageContaining("unknown calibration method 'fp32-sensitive=2'");
    }

    @Test
    void fileSuffixReplacesColons() {
        assertThat(VariantRecipe.parse("quantized:int8-static").fileSuffix()).isEqualTo("quantized-int8-static");
        assertThat(VariantRecipe.parse("pruned:structured:0.5").fileSuffix()).isEqualTo("pruned-structured-0.5");
    }

    @Test
    void unknownRecipeNamesTheValueAndTheChoices() {
        assertThatThrownBy(() -> VariantRecipe.parse("quantised:int4"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("'quantised:int4'").hasMessageContaining("expected one of")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        assertThatThrownBy(() -> VariantRecipe.parse("pruned:unstructured")).hasMessageContaining("unknown variant recipe");
        assertThatThrownBy(() -> VariantRecipe.parse("")).isInstanceOf(EdgeperfException.class);
    }

    @Test
    void sparsityOutsideOpenUnitIntervalIsRejected() {
        assertThatThrownBy(() -> VariantRecipe.parse("pruned:unstructured:1.0"))
                .hasMessageContaining("sparsity 1.0").hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> VariantRecipe.parse("pruned:structured:0")).hasMessageContaining("sparsity 0");
        assertThatThrownBy(() -> VariantRecipe.parse("pruned:structured:half")).hasMessageContaining("'half'");
    }

    @Test
    void clusterCountOutsideRangeIsRejected() {
        assertThatThrownBy(() -> VariantRecipe.parse("clustered:1")).hasMessageContaining("cluster count 1")
                .hasMessageContaining("[2, 256]");
        assertThatThrownBy(() -> VariantRecipe.parse("clustered:257")).hasMessageContaining("257");
        assertThatThrownBy(() -> VariantRecipe.parse("clustered:x")).hasMessageContaining("'x'");
    }

    @Test
    void aDistilledRecipeWithoutTrainingDataSaysWhereItIsBuilt() {
        assertThatThrownBy(() -> VariantRecipe.parse("distilled:mnist-cnn:T=2"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("recipe 'distilled:mnist-cnn:T=2' trains a student on labelled data, and none was given:"
                        + " campaign spec training: mnist|fashion-mnist (campaign run --training), or variants build"
                        + " MODEL --variants distilled:mnist-cnn:T=2 --calibration mnist|fashion-mnist");
    }
}
