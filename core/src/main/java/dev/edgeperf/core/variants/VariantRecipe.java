package dev.edgeperf.core.variants;

import dev.edgeperf.core.EdgeperfException;
import java.util.Locale;
import java.util.Objects;

/**
 * One variant recipe, parsed from its text form.
 *
 * <p>Accepted texts: {@code baseline}, {@code pruned:unstructured:S}, {@code pruned:structured:S}
 * (S a sparsity in (0, 1)), {@code quantized:int8-dynamic}, {@code quantized:int8-static} (optionally
 * {@code :minmax}, {@code :percentile} or {@code :mse}, default minmax, then optionally {@code :fp32-depthwise},
 * {@code :fp32-matmul}, {@code :fp32-slow-convs} and {@code :fp32-sensitive=K}, in that order),
 * {@code quantized:fp16}, {@code separable}, {@code clustered:K} (K clusters in [2, 256]).
 *
 * @param kind        the transform
 * @param sparsity    fraction of weights (unstructured) or filters (structured) removed; 0 when unused
 * @param clusters    number of shared weight values per layer; 0 when unused
 * @param calibration activation-range method for int8-static; {@link CalibrationMethod#MIN_MAX} otherwise
 * @param text        the canonical text form
 * @param fp32Depthwise int8-static leaves depthwise convs fp32: on MobileNetV3-style backbones (PP-OCR det/rec)
 *                    their per-channel ranges lose the most, while they are a small share of the time
 * @param fp32MatMul  int8-static leaves MatMul/Gemm with weights fp32: a transformer neck and a wide classifier
 *                    head (PP-OCR rec's SVTR neck and its 6625-class CTC head) whose error the softmax after them
 *                    amplifies
 * @param fp32SlowConvs int8-static leaves fp32 the conv kinds ONNX Runtime's int8 kernels run slower than fp32
 *                    ({@link SlowInt8Convs}): depthwise, on a 1x1 map (squeeze-and-excitation), narrow
 * @param fp32Sensitive int8-static leaves the K weight layers fp32 whose int8 form costs the output the most
 *                    cosine on the calibration inputs ({@link SensitiveLayers}); 0 when unused
 */
public record VariantRecipe(Kind kind, double sparsity, int clusters, CalibrationMethod calibration, String text,
                            boolean fp32Depthwise, boolean fp32MatMul, boolean fp32SlowConvs, int fp32Sensitive) {
    /** The transform a recipe applies. */
    public enum Kind {
        BASELINE, PRUNED_UNSTRUCTURED, PRUNED_STRUCTURED, QUANTIZED_INT8_DYNAMIC, QUANTIZED_INT8_STATIC,
        QUANTIZED_FP16, SEPARABLE, CLUSTERED
    }

    static final String EXPECTED = "expected one of baseline, pruned:unstructured:S, pruned:structured:S, "
            + "quantized:int8-dynamic, quantized:int8-static[:minmax|:percentile|:mse][:fp32-depthwise][:fp32-matmul]"
            + "[:fp32-slow-convs][:fp32-sensitive=K], "
            + "quantized:fp16, "
            + "separable, "
            + "clustered:K (S in (0,1), K in [2,256])";

    static final String FP32_DEPTHWISE = "fp32-depthwise";
    static final String FP32_MATMUL = "fp32-matmul";
    static final String FP32_SLOW_CONVS = "fp32-slow-convs";
    static final String FP32_SENSITIVE = "fp32-sensitive";
    /** Most layers {@code :fp32-sensitive=K} may name: each costs one quantize-and-run of the model to rank. */
    static final int MAX_FP32_SENSITIVE = 64;

    /** A recipe with every int8-static option off. */
    public VariantRecipe(Kind kind, double sparsity, int clusters, CalibrationMethod calibration, String text) {
        this(kind, sparsity, clusters, calibration, text, false, false, false, 0);
    }

    public VariantRecipe {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(calibration, "calibration is null");
        Objects.requireNonNull(text, "text is null");
    }

    /** The recipe as it appears in file names: colons become dashes ({@code pruned-structured-0.5}). */
    public String fileSuffix() {
        return text.replace(':', '-');
    }

    /**
     * Parses a recipe text.
     *
     * @throws EdgeperfException USER_ERROR naming the value and what is expected
     */
    public static VariantRecipe parse(String recipe) {
        if (recipe == null || recipe.isBlank()) {
            throw EdgeperfException.userError("variant recipe is empty; " + EXPECTED);
        }
        String t = recipe.trim().toLowerCase(Locale.ROOT);
        String[] p = t.split(":", -1);
        switch (p[0]) {
            case "baseline":
                requireParts(recipe, p, 1);
                return new VariantRecipe(Kind.BASELINE, 0, 0, CalibrationMethod.MIN_MAX, "baseline");
            case "separable":
                requireParts(recipe, p, 1);
                return new VariantRecipe(Kind.SEPARABLE, 0, 0, CalibrationMethod.MIN_MAX, "separable");
            case "pruned": {
                requireParts(recipe, p, 3);
                Kind kind = switch (p[1]) {
                    case "unstructured" -> Kind.PRUNED_UNSTRUCTURED;
                    case "structured" -> Kind.PRUNED_STRUCTURED;
                    default -> throw EdgeperfException.userError("unknown pruning kind '" + p[1] + "' in recipe '"
                            + recipe + "'; expected unstructured or structured");
                };
                double s = parseSparsity(recipe, p[2]);
                return new VariantRecipe(kind, s, 0, CalibrationMethod.MIN_MAX, "pruned:" + p[1] + ":" + p[2]);
            }
            case "quantized": {
                if (p.length < 2) {
                    throw unknown(recipe);
                }
                switch (p[1]) {
                    case "fp16":
                        requireParts(recipe, p, 2);
                        return new VariantRecipe(Kind.QUANTIZED_FP16, 0, 0, CalibrationMethod.MIN_MAX, "quantized:fp16");
                    case "int8-dynamic":
                        requireParts(recipe, p, 2);
                        return new VariantRecipe(Kind.QUANTIZED_INT8_DYNAMIC, 0, 0, CalibrationMethod.MIN_MAX,
                                "quantized:int8-dynamic");
                    case "int8-static":
                        return int8Static(recipe, t, p);
                    default:
                        throw unknown(recipe);
                }
            }
            case "clustered": {
                requireParts(recipe, p, 2);
                int k;
                try {
                    k = Integer.parseInt(p[1]);
                } catch (NumberFormatException e) {
                    throw EdgeperfException.userError("cluster count '" + p[1] + "' in recipe '" + recipe
                            + "' is not an integer; expected K in [2, 256]");
                }
                if (k < 2 || k > 256) {
                    throw EdgeperfException.userError("cluster count " + k + " in recipe '" + recipe
                            + "' is out of range; expected K in [2, 256]");
                }
                return new VariantRecipe(Kind.CLUSTERED, 0, k, CalibrationMethod.MIN_MAX, "clustered:" + k);
            }
            case "distilled":
                throw EdgeperfException.userError("recipe '" + recipe + "' trains a student on labelled data, and none"
                        + " was given: campaign spec training: mnist|fashion-mnist (campaign run --training), or"
                        + " variants build MODEL --variants " + recipe.trim() + " --calibration mnist|fashion-mnist");
            default:
                throw unknown(recipe);
        }
    }

    /**
     * {@code quantized:int8-static[:METHOD][:fp32-depthwise][:fp32-matmul][:fp32-slow-convs][:fp32-sensitive=K]}:
     * the method first, then the options in that order.
     */
    private static VariantRecipe int8Static(String recipe, String t, String[] p) {
        int end = p.length;
        int sensitive = 0;
        if (end > 2 && p[end - 1].startsWith(FP32_SENSITIVE + "=")) {
            sensitive = parseSensitive(recipe, p[end - 1].substring(FP32_SENSITIVE.length() + 1));
            end--;
        }
        boolean fp32SlowConvs = end > 2 && p[end - 1].equals(FP32_SLOW_CONVS);
        end -= fp32SlowConvs ? 1 : 0;
        boolean fp32MatMul = end > 2 && p[end - 1].equals(FP32_MATMUL);
        end -= fp32MatMul ? 1 : 0;
        boolean fp32Depthwise = end > 2 && p[end - 1].equals(FP32_DEPTHWISE);
        end -= fp32Depthwise ? 1 : 0;
        if (end > 3) {
            throw unknown(recipe);
        }
        CalibrationMethod m = CalibrationMethod.MIN_MAX;
        if (end == 3) {
            m = switch (p[2]) {
                case "minmax" -> CalibrationMethod.MIN_MAX;
                case "percentile" -> CalibrationMethod.PERCENTILE;
                case "mse" -> CalibrationMethod.MSE;
                default -> throw EdgeperfException.userError("unknown calibration method '" + p[2] + "' in recipe '"
                        + recipe + "'; expected minmax, percentile or mse (then optionally :" + FP32_DEPTHWISE + ", :"
                        + FP32_MATMUL + ", :" + FP32_SLOW_CONVS + " and :" + FP32_SENSITIVE + "=K)");
            };
        }
        if (sensitive > 0) { // canonical text: fp32-sensitive=04 is fp32-sensitive=4
            t = t.substring(0, t.lastIndexOf(':') + 1) + FP32_SENSITIVE + "=" + sensitive;
        }
        return new VariantRecipe(Kind.QUANTIZED_INT8_STATIC, 0, 0, m, t, fp32Depthwise, fp32MatMul, fp32SlowConvs,
                sensitive);
    }

    private static int parseSensitive(String recipe, String value) {
        int k;
        try {
            k = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw EdgeperfException.userError(FP32_SENSITIVE + " count '" + value + "' in recipe '" + recipe
                    + "' is not an integer; expected K in [1, " + MAX_FP32_SENSITIVE + "]");
        }
        if (k < 1 || k > MAX_FP32_SENSITIVE) {
            throw EdgeperfException.userError(FP32_SENSITIVE + " count " + k + " in recipe '" + recipe
                    + "' is out of range; expected K in [1, " + MAX_FP32_SENSITIVE + "]");
        }
        return k;
    }

    private static double parseSparsity(String recipe, String value) {
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw EdgeperfException.userError("sparsity '" + value + "' in recipe '" + recipe
                    + "' is not a number; expected S in (0, 1)");
        }
        if (!(s > 0 && s < 1)) {
            throw EdgeperfException.userError("sparsity " + value + " in recipe '" + recipe
                    + "' is out of range; expected S in (0, 1), exclusive");
        }
        return s;
    }

    private static void requireParts(String recipe, String[] parts, int n) {
        if (parts.length != n) {
            throw unknown(recipe);
        }
    }

    private static EdgeperfException unknown(String recipe) {
        return EdgeperfException.userError("unknown variant recipe '" + recipe + "'; " + EXPECTED);
    }
}
