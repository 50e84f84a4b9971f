package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.onnx.ModelInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A campaign as submitted, before it is checked: what the CLI sent, in domain terms. Empty lists
 * mean the defaults ({@link CampaignPlanner} applies them): variants [baseline], threads [0 = engine
 * default], modes [latency], selectors [all].
 *
 * @param name       "" = named after its models and batches
 * @param models     zoo names or the names of {@code uploads}
 * @param uploads    model name -> user model sent with the campaign (uploaded by digest, or inline)
 * @param specSource the spec file's text, kept for provenance ("" when submitted from flags)
 * @param inputs     model name -> the input sizes given for it ({@code --input}/{@code --dim}, spec
 *                   {@code inputs:}/{@code dims:}); a model not named has none given
 * @param calibrations model name -> its calibration data, {@code ""} -> every other model's; empty = random
 * @param evaluations  model name -> its labelled evaluation data, {@code ""} -> every other model's; empty = no
 *                     accuracy measured
 * @param training     the train split {@code distilled:} variants are trained on; null = none (such recipes are
 *                     refused)
 */
public record CampaignRequest(String name, List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                              List<Integer> batches, List<Integer> threads, List<String> modes,
                              List<String> selectors, MeasurementSettings measurement, String specSource,
                              Map<String, ModelInputs> inputs, Map<String, ModelCalibration> calibrations,
                              Map<String, ModelCalibration> evaluations, TrainingData training) {
    /** Without training data. */
    public CampaignRequest(String name, List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                           List<Integer> batches, List<Integer> threads, List<String> modes,
                           List<String> selectors, MeasurementSettings measurement, String specSource,
                           Map<String, ModelInputs> inputs, Map<String, ModelCalibration> calibrations,
                           Map<String, ModelCalibration> evaluations) {
        this(name, models, uploads, variants, batches, threads, modes, selectors, measurement, specSource, inputs,
                calibrations, evaluations, null);
    }

    /** Without evaluation data. */
    public CampaignRequest(String name, List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                           List<Integer> batches, List<Integer> threads, List<String> modes,
                           List<String> selectors, MeasurementSettings measurement, String specSource,
                           Map<String, ModelInputs> inputs, Map<String, ModelCalibration> calibrations) {
        this(name, models, uploads, variants, batches, threads, modes, selectors, measurement, specSource, inputs,
                calibrations, Map.of());
    }

    /** Without calibration data: every model's variants are calibrated and checked on random inputs. */
    public CampaignRequest(String name, List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                           List<Integer> batches, List<Integer> threads, List<String> modes,
                           List<String> selectors, MeasurementSettings measurement, String specSource,
                           Map<String, ModelInputs> inputs) {
        this(name, models, uploads, variants, batches, threads, modes, selectors, measurement, specSource, inputs,
                Map.of());
    }

    /** A request that gives no input sizes and no calibration data. */
    public CampaignRequest(String name, List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                           List<Integer> batches, List<Integer> threads, List<String> modes,
                           List<String> selectors, MeasurementSettings measurement, String specSource) {
        this(name, models, uploads, variants, batches, threads, modes, selectors, measurement, specSource, Map.of());
    }

    public CampaignRequest {
        Objects.requireNonNull(name, "name is null");
        models = List.copyOf(models);
        uploads = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(uploads));
        variants = List.copyOf(variants);
        batches = List.copyOf(batches);
        threads = List.copyOf(threads);
        modes = List.copyOf(modes);
        selectors = List.copyOf(selectors);
        Objects.requireNonNull(measurement, "measurement is null");
        Objects.requireNonNull(specSource, "specSource is null");
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(inputs, "inputs is null")));
        calibrations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(calibrations, "calibrations is null")));
        evaluations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(evaluations, "evaluations is null")));
    }

    /** This request with other uploads (a rebatched file in place of the user's), everything else kept. */
    public CampaignRequest withUploads(Map<String, UploadedModel> replaced) {
        return new CampaignRequest(name, models, replaced, variants, batches, threads, modes, selectors, measurement,
                specSource, inputs, calibrations, evaluations, training);
    }

    /** The input sizes given for {@code model}, or none. */
    public ModelInputs inputsOf(String model) {
        return inputs.getOrDefault(model, ModelInputs.none());
    }
}
