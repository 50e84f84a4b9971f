package dev.edgeperf.coordinator.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ExternalData;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.proto.ExternalDataFile;
import dev.edgeperf.proto.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The CLI side of sending user models with a campaign: each .onnx file and the external-data files
 * its initializers name are checked (present, within {@link ArtifactStore#MAX_FILE_BYTES}) before any
 * byte is sent, then uploaded one by one through {@link CoordinatorClient#upload}, streamed from disk
 * (never a whole file in memory); the Submit then names them by digest.
 */
final class ModelUploads {
    /** A file to upload: what it is called in messages, where it is. */
    record Item(String label, Path file, long sizeBytes) {
        Item {
            Objects.requireNonNull(label, "label is null");
            Objects.requireNonNull(file, "file is null");
        }
    }

    /** One model and the external-data files beside it, by location name. */
    record Model(String name, Item onnx, Map<String, Item> externalData) {
        Model {
            externalData = Map.copyOf(new java.util.LinkedHashMap<>(externalData));
        }
    }

    private ModelUploads() {
    }

    /**
     * Checks a model file and finds its external data; nothing is sent.
     *
     * @param name the model's display name
     * @throws EdgeperfException USER_ERROR (exit 2) for a file over the limit, a missing external-data
     *         file, or a file that is not an ONNX model, one line naming model and file
     */
    static Model check(String name, Path file, long limit) {
        Item onnx = item(name, file, limit);
        // memory-mapped: a 1 GB model costs the heap only its graph structure
        ModelProto model = OnnxModels.map(file);
        Map<String, Item> external = new java.util.LinkedHashMap<>();
        Path folder = file.toAbsolutePath().getParent();
        for (String location : ExternalData.locations(model, name)) {
            Path data = folder.resolve(location);
            if (!Files.isRegularFile(data)) {
                throw EdgeperfException.userError("model " + name + " reads external data from '" + location
                        + "', which does not exist (looked for " + data + ")");
            }
            external.put(location, item(name + " external data '" + location + "'", data, limit));
        }
        return new Model(name, onnx, external);
    }

    private static Item item(String label, Path file, long limit) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read " + label + " file " + file + ": " + e.getMessage());
        }
        if (size > limit) {
            throw EdgeperfException.userError(label + " file " + file + " is " + size + " bytes; at most " + limit
                    + " bytes per file can be uploaded");
        }
        return new Item(label, file, size);
    }

    /**
     * Uploads a checked model (skipping files the coordinator already holds) and returns its
     * reference for the Submit message.
     *
     * @param showBar a progress bar on stderr as well as the line per file on {@code err} when it is done
     */
    static ModelFile upload(CoordinatorClient client, Model model, boolean showBar, PrintWriter err) {
        ModelFile.Builder ref = ModelFile.newBuilder().setName(model.name());
        String digest = send(client, model.onnx(), showBar, err);
        ref.setDigest(digest).setSizeBytes(model.onnx().sizeBytes());
        List<ExternalDataFile> external = new ArrayList<>();
        for (Map.Entry<String, Item> e : model.externalData().entrySet()) {
            String d = send(client, e.getValue(), showBar, err);
            external.add(ExternalDataFile.newBuilder().setName(e.getKey()).setDigest(d)
                    .setSizeBytes(e.getValue().sizeBytes()).build());
        }
        return ref.addAllExternalData(external).build();
    }

    private static String send(CoordinatorClient client, Item item, boolean showBar, PrintWriter err) {
        String digest;
        try {
            // hashed first (streamed): the coordinator verifies against it, and a known digest needs no upload
            digest = Digests.sha256Hex(item.file());
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read " + item.label() + " file " + item.file() + ": "
                    + e.getMessage());
        }
        long started = System.nanoTime();
        ProgressBar bar = showBar ? new ProgressBarBuilder().setTaskName("upload " + item.file().getFileName())
                .setInitialMax(item.sizeBytes()).setUnit(" MiB", 1024 * 1024).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build() : null;
        boolean already;
        try {
            already = client.upload(item.file(), item.label(), digest, item.sizeBytes(),
                    sent -> {
                        if (bar != null) {
                            bar.stepTo(sent);
                        }
                    });
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        err.println(already
                ? "uploaded " + item.file().getFileName() + ": already stored (" + item.sizeBytes() + " bytes, "
                        + digest.substring(0, 12) + ")"
                : String.format("uploaded %s: %d bytes in %.1f s (%s)", item.file().getFileName(), item.sizeBytes(),
                        seconds, digest.substring(0, 12)));
        err.flush();
        return digest;
    }
}
