package dev.edgeperf.coordinator.spec;

import dev.edgeperf.coordinator.grpc.CampaignMessages;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated campaign spec (see {@link CampaignSpecParser} for the YAML form).
 *
 * @param models     zoo names, or .onnx files (absolute paths, resolved against the spec's folder)
 * @param selectors  device selectors in canonical text; "all" = each agent connected at submit time
 * @param source     the spec file's text, kept with the campaign for provenance
 */
public record CampaignSpec(Optional<String> name, List<ModelRef> models, List<String> variants,
                           List<Integer> batchSizes, List<Integer> threads, List<Mode> modes, List<String> selectors,
                           MeasurementSettings settings, String source) {
    /**
     * A zoo model or a file, with the input sizes given for it.
     *
     * @param inputs full input shapes and named dims ({@link ModelInputs#none()} when none are given)
     */
    public record ModelRef(String zooName, Path file, ModelInputs inputs) {
        public ModelRef {
            if ((zooName == null) == (file == null)) {
                throw new IllegalArgumentException("exactly one of zooName and file must be set");
            }
            Objects.requireNonNull(inputs, "inputs is null");
        }

        /** A model with no input sizes given. */
        public ModelRef(String zooName, Path file) {
            this(zooName, file, ModelInputs.none());
        }

        /** The name jobs carry: the zoo name, or the file name. */
        public String displayName() {
            return zooName != null ? zooName : file.getFileName().toString();
        }
    }

    public CampaignSpec {
        Objects.requireNonNull(name, "name is null");
        models = List.copyOf(models);
        variants = List.copyOf(variants);
        batchSizes = List.copyOf(batchSizes);
        threads = List.copyOf(threads);
        modes = List.copyOf(modes);
        selectors = List.copyOf(selectors);
        Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(source, "source is null");
    }

    /** Jobs this spec plans per matching selector target (models x variants x batches x threads x modes). */
    public int pointsPerTarget() {
        return models.size() * variants.size() * batchSizes.size() * threads.size() * modes.size();
    }

    /**
     * The request the CLI sends, without the model files: those are uploaded first and then named
     * by digest in {@code model_files} (see {@link #modelFiles()}).
     */
    public SubmitCampaignRequest toRequest() {
        SubmitCampaignRequest.Builder request = SubmitCampaignRequest.newBuilder().addAllVariants(variants)
                .addAllBatchSizes(batchSizes).addAllIntraOpThreads(threads).addAllSelectors(selectors)
                .addAllModes(modes.stream().map(Mode::toString).toList()).setSettings(settings).setSpecSource(source);
        name.ifPresent(request::setName);
        for (ModelRef model : models) {
            request.addModels(model.displayName());
            if (!model.inputs().isEmpty()) {
                request.putModelInputs(model.displayName(), CampaignMessages.sizes(model.inputs()));
            }
        }
        return request.build();
    }

    /** Display name -> file of the models that are files, in spec order. */
    public Map<String, Path> modelFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ModelRef model : models) {
            if (model.file() != null) {
                files.put(model.displayName(), model.file());
            }
        }
        return files;
    }
}
