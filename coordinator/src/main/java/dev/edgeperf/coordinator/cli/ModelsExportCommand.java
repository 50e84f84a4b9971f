package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgeperf models export NAME --out FILE.onnx}: writes a zoo model as an ONNX file, atomically,
 * with ordinary permissions; an existing file is kept unless {@code --force}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a zoo model to an ONNX file (temp file + rename: never half-written).",
        footer = {"%nExample:", "  edgeperf models export mobilenet-v2 --out mobilenet-v2.onnx"})
final class ModelsExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Zoo model name (see models list).")
    String name;

    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "Where to write the model.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists (default: refuse).")
    boolean force;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!ModelZoo.names().contains(name)) {
            throw EdgeperfException.userError("unknown model '" + name + "': expected one of "
                    + String.join(", ", ModelZoo.names()));
        }
        if (Files.isDirectory(out)) {
            throw EdgeperfException.userError("--out " + out + " is a directory; expected a file name such as "
                    + out.resolve(name + ".onnx"));
        }
        if (Files.exists(out) && !force) {
            throw EdgeperfException.userError("--out " + out + " already exists; pass --force to replace it");
        }
        byte[] bytes = ModelZoo.build(name);
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            if (force) {
                AtomicFiles.write(out, bytes);
            } else {
                AtomicFiles.writeNew(out, bytes);
            }
        } catch (FileAlreadyExistsException e) {
            throw EdgeperfException.userError("--out " + out + " already exists; pass --force to replace it");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot write --out " + out + ": " + IoReasons.of(e));
        }
        String sha256 = Digests.sha256Hex(bytes);
        if (json.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", name);
            root.put("file", out.toAbsolutePath().toString());
            root.put("bytes", bytes.length);
            root.put("sha256", sha256);
            spec.commandLine().getOut().println(CampaignReport.write(root));
        } else {
            spec.commandLine().getOut().printf("wrote %s (%,d bytes, sha256 %s)%n", out, bytes.length, sha256);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
