package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.artifacts.ArtifactStore.ExternalFile;
import java.util.List;
import java.util.Objects;

/**
 * A user model sent with a campaign: uploaded beforehand and named by digest (with the external-data
 * files its initializers read), or, for small files from older clients, inline bytes.
 *
 * @param inline       the ONNX bytes when sent inside the Submit message; null when uploaded
 * @param digest       SHA-256 of the uploaded .onnx ("" when inline)
 * @param sizeBytes    size of the .onnx file
 * @param externalData files beside the .onnx that its tensors read, by location name
 */
public record UploadedModel(byte[] inline, String digest, long sizeBytes, List<ExternalFile> externalData) {
    public UploadedModel {
        Objects.requireNonNull(digest, "digest is null");
        externalData = List.copyOf(externalData);
        if ((inline == null) == digest.isEmpty()) {
            throw new IllegalArgumentException("exactly one of inline bytes and digest must be set");
        }
    }

    /** A model sent inside the Submit message. */
    public static UploadedModel inline(byte[] onnx) {
        return new UploadedModel(onnx, "", onnx.length, List.of());
    }

    /** A model uploaded with ArtifactService.Upload. */
    public static UploadedModel stored(String digest, long sizeBytes, List<ExternalFile> externalData) {
        return new UploadedModel(null, digest, sizeBytes, externalData);
    }
}
