package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.util.Map;
import java.util.Objects;

/**
 * A job as planned, before it is queued. The prediction is made when the job is leased, from the
 * peak of the agent that runs it.
 *
 * @param targetAgentId the one agent that must run it, or null for any agent matching {@code selector}
 * @param selector      device selector text, e.g. "board=rpi5" ("name=x" for agent-bound jobs)
 * @param flops         FLOPs of one inference call at {@code batchSize} (per batch)
 * @param inputShapes   the concrete shape of every model input at {@code batchSize}; empty = the agent
 *                      sizes inputs by the batch alone (jobs planned before shapes were resolved)
 * @param variantNoopReason null, or why the variant is a no-op (its recipe changed nothing)
 * @param calibration   label of the calibration data the variant was built and checked with ("" = none)
 * @param cosine        variant vs baseline cosine similarity on that data; null for the baseline / none
 * @param sqnrDb        variant vs baseline SQNR on that data, dB (+inf stored as null); null as above
 * @param top1          top-1 agreement with the baseline, classifier outputs only; null otherwise
 * @param evaluation    the variant's accuracy on the campaign's evaluation data; null without one
 * @param inputValues   values the user gave for integer inputs ({@code sr=16000}), fed instead of generated data
 */
public record NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                     long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                     long flops, Map<String, long[]> inputShapes, String variantNoopReason,
                     String calibration, Double cosine, Double sqnrDb, Double top1, VariantEvaluation evaluation,
                     Map<String, long[]> inputValues) {
    /** A job with evaluation data and without input values. */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops, Map<String, long[]> inputShapes, String variantNoopReason,
                  String calibration, Double cosine, Double sqnrDb, Double top1, VariantEvaluation evaluation) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, inputShapes, variantNoopReason, calibration, cosine, sqnrDb, top1, evaluation,
                Map.of());
    }

    /** A job with input values and without evaluation data. */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops, Map<String, long[]> inputShapes, String variantNoopReason,
                  String calibration, Double cosine, Double sqnrDb, Double top1, Map<String, long[]> inputValues) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, inputShapes, variantNoopReason, calibration, cosine, sqnrDb, top1, null,
                inputValues);
    }

    /** A job without evaluation data or input values. */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops, Map<String, long[]> inputShapes, String variantNoopReason,
                  String calibration, Double cosine, Double sqnrDb, Double top1) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, inputShapes, variantNoopReason, calibration, cosine, sqnrDb, top1, null,
                Map.of());
    }

    /** A job without calibration data (tests, campaigns built without a check). */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops, Map<String, long[]> inputShapes, String variantNoopReason) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, inputShapes, variantNoopReason, "", null, null, null);
    }

    /** A job with resolved input shapes, of a variant that changed the model. */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops, Map<String, long[]> inputShapes) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, inputShapes, null);
    }

    /** A job without resolved input shapes, of a variant that changed the model. */
    public NewJob(String id, String targetAgentId, String selector, String modelName, String modelDigest,
                  long modelSizeBytes, String variantRecipe, int batchSize, int threads, MeasurementSettings measurement,
                  long flops) {
        this(id, targetAgentId, selector, modelName, modelDigest, modelSizeBytes, variantRecipe, batchSize, threads,
                measurement, flops, Map.of(), null);
    }

    public NewJob {
        inputShapes = InputShapesColumn.copy(inputShapes);
        inputValues = InputShapesColumn.copy(inputValues);
        Objects.requireNonNull(calibration, "calibration is null");
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(selector, "selector is null");
        Objects.requireNonNull(modelName, "modelName is null");
        Objects.requireNonNull(modelDigest, "modelDigest is null");
        Objects.requireNonNull(variantRecipe, "variantRecipe is null");
        Objects.requireNonNull(measurement, "measurement is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }
}
