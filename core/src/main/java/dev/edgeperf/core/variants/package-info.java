/**
 * Model variant transforms: a {@link dev.edgeperf.core.variants.VariantRecipe} (pruned, quantized,
 * separable, clustered …) applied to a baseline ONNX graph gives a new graph that ONNX Runtime runs,
 * with the same input/output names and shapes; {@link dev.edgeperf.core.variants.Fidelity} and
 * {@link dev.edgeperf.core.variants.VariantBuilder} measure and write the results.
 */
package dev.edgeperf.core.variants;
