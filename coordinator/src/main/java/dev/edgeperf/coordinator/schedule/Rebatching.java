package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.store.PreparationQueries;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.Rebatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * At submit, before planning: an uploaded model with a fixed batch of 1 that the campaign asks for other
 * batches is rebatched ({@link Rebatcher}) where the graph allows it, and the rebatched file, stored as an
 * artifact of its own (content-addressed), replaces the upload for every variant and batch of that model.
 * Where it cannot be, the submit is refused with the fixed-batch line and why it could not be rebatched.
 */
public final class Rebatching {
    /**
     * @param request the request with rebatched uploads in place of the fixed-batch ones
     * @param notes   one line per rebatched input: {@code rebatched: MODEL input NAME leading dim 1 → batch}
     * @param files   the rebatched files the request names by digest -> their graph and bytes, not stored yet
     *                ({@link #store}): the submit checks read {@link #pending} until every check has passed
     * @param sources model name -> the user's upload a rebatched one replaced, so the campaign keeps naming it
     */
    record Result(CampaignRequest request, List<String> notes, Map<String, Rebatched> files,
            Map<String, UploadedModel> sources) {
        Result {
            Objects.requireNonNull(request, "request is null");
            notes = List.copyOf(notes);
            files = Map.copyOf(files);
            sources = Map.copyOf(sources);
        }

        /** The graph of a rebatched file not stored yet, or null for any other digest. */
        ModelProto pending(String digest) {
            Rebatched r = files.get(digest);
            return r == null ? null : r.model();
        }
    }

    /** A rebatched file: its graph and its bytes (what is stored). */
    record Rebatched(ModelProto model, byte[] bytes) {
        Rebatched {
            Objects.requireNonNull(model, "model is null");
            Objects.requireNonNull(bytes, "bytes is null");
        }
    }

    private final ArtifactStore artifacts;

    Rebatching(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
    }

    /**
     * Reads and checks; stores nothing.
     *
     * @throws EdgeperfException USER_ERROR, one line: the fixed-batch refusal of a model asked for another
     *         batch, and why it could not be rebatched
     */
    Result apply(CampaignRequest request) {
        Map<String, UploadedModel> uploads = new LinkedHashMap<>(request.uploads());
        List<String> notes = new ArrayList<>();
        Map<String, Rebatched> files = new LinkedHashMap<>();
        Map<String, UploadedModel> sources = new LinkedHashMap<>();
        for (Map.Entry<String, UploadedModel> e : request.uploads().entrySet()) {
            String name = e.getKey();
            ModelProto model = read(e.getValue(), name);
            if (model == null) {
                continue;
            }
            Rebatcher.Outcome outcome = rebatched(name, model, request.inputsOf(name), request.batches());
            if (outcome == null) {
                continue;
            }
            byte[] bytes = outcome.model().toByteArray();
            String digest = Digests.sha256Hex(bytes);
            files.put(digest, new Rebatched(outcome.model(), bytes));
            sources.put(name, e.getValue());
            uploads.put(name, UploadedModel.stored(digest, bytes.length, List.of()));
            // both files named: result rows carry the rebatched digest (what ran), the user knows their own
            String both = " (uploaded " + shortDigest(e.getValue()) + ", measured as " + digest.substring(0, 12) + ")";
            outcome.inputs().forEach(in -> notes.add(PreparationQueries.REBATCHED_PREFIX + name + " input " + in
                    + " leading dim 1 → " + Rebatcher.SYMBOL + both));
        }
        if (notes.isEmpty()) {
            return new Result(request, List.of(), Map.of(), Map.of());
        }
        return new Result(request.withUploads(uploads), notes, files, sources);
    }

    /**
     * The model rebatched (with the inputs that got the symbol) when the batches need it: null when it has a batched input or only its fixed batch
     * is asked for. Client and coordinator both call it (the client before it uploads anything).
     *
     * @throws EdgeperfException USER_ERROR, one line: the fixed-batch refusal and why it cannot be rebatched
     */
    public static Rebatcher.Outcome rebatched(String name, ModelProto model, ModelInputs given,
                                              List<Integer> batches) {
        List<InputDims.Declared> declared = ModelInputs.declared(model);
        String refusal = given.batchesAny(declared) ? null : batches.stream()
                .map(b -> ModelInputs.fixedBatchRefusal(name, declared, b)).filter(Objects::nonNull)
                .findFirst().orElse(null);
        if (refusal == null) {
            return null;
        }
        if (ModelInputs.fixedBatchRefusal(name, declared, 1) == null) {
            // sizes that do not fit the model are that error, not a reason it cannot be rebatched
            CampaignPlanner.inputShapes(name, declared, given, List.of(1));
        }
        Rebatcher.Outcome outcome = Rebatcher.rebatch(model, given);
        if (!outcome.rebatched()) {
            throw EdgeperfException.userError(refusal + " (it cannot be rebatched: " + outcome.reason() + ")");
        }
        return outcome;
    }

    /** Stores the rebatched files: called once the rest of the submit is checked, so a refusal stores nothing. */
    void store(Result result) {
        result.files().values().forEach(r -> artifacts.put(r.bytes()));
    }

    private static String shortDigest(UploadedModel u) {
        return (u.inline() != null ? Digests.sha256Hex(u.inline()) : u.digest()).substring(0, 12);
    }

    /** The upload's graph, or null when it is not (yet) there: planning and the upload check refuse it then. */
    private ModelProto read(UploadedModel upload, String name) {
        if (upload.inline() != null) {
            return upload.inline().length > CampaignPlanner.MAX_UPLOAD_BYTES ? null
                    : OnnxModels.parseShared(upload.inline(), name);
        }
        if (!artifacts.contains(upload.digest()) || artifacts.size(upload.digest()) != upload.sizeBytes()) {
            return null;
        }
        return OnnxModels.map(artifacts.path(upload.digest()));
    }
}
