package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.cost.ZooCosts;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf models list}: the zoo with parameters, MACs and file size at batch 1. The counts
 * are measured by profiling each model, once, and then read from {@link ZooCosts}' cache file.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the built-in model zoo with parameters, MACs (batch 1) and ONNX file size.",
            "Counts are measured by profiling each model the first time (about a second; vgg16 needs ~1.2 GB"
                + " of heap) and cached in $EDGEPERF_CACHE_DIR, $XDG_CACHE_HOME/edgeperf or ~/.cache/edgeperf,"
                + " keyed by a fingerprint of the code."},
        footer = {"%nExample:", "  edgeperf models list --json"})
final class ModelsListCommand implements Callable<Integer> {
    @Option(names = "--no-costs", description = "Names and descriptions only; build and count nothing.")
    boolean noCosts;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Map<String, Object>> entries = new ArrayList<>();
        TextTable table = noCosts ? new TextTable("name", "description")
                : new TextTable("name", ">params", ">trainable", ">MACs", ">file MB", "description");
        ZooCosts costs = noCosts ? null : ZooCosts.open(ZooCosts.defaultCacheDir(System.getenv()));
        List<String> unmeasured = new ArrayList<>();
        for (String name : ModelZoo.names()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("description", ModelZoo.describe(name));
            if (noCosts) {
                table.add(name, ModelZoo.describe(name));
                entries.add(entry);
                continue;
            }
            ZooCosts.Entry e = measure(costs, name);
            if (e == null) {
                unmeasured.add(name);
                table.add(name, "n/a", "n/a", "n/a", "n/a", ModelZoo.describe(name));
            } else {
                entry.put("totalParams", e.totalParams());
                entry.put("trainableParams", e.trainableParams());
                entry.put("totalMacs", e.totalMacs());
                entry.put("totalFlops", e.totalFlops());
                entry.put("fileSizeBytes", e.fileSizeBytes());
                table.add(name, String.format(Locale.ROOT, "%,d", e.totalParams()),
                        String.format(Locale.ROOT, "%,d", e.trainableParams()),
                        String.format(Locale.ROOT, "%,d", e.totalMacs()),
                        String.format(Locale.ROOT, "%.1f", e.fileSizeBytes() / 1e6), ModelZoo.describe(name));
            }
            entries.add(entry);
        }
        spec.commandLine().getOut().print(json.json ? CampaignReport.write(entries) + "\n" : table.render());
        spec.commandLine().getOut().flush();
        if (!unmeasured.isEmpty()) {
            spec.commandLine().getErr().println("edgeperf: not enough Java heap to build " + String.join(", ", unmeasured)
                    + " once for counting (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB); run with EDGEPERF_JAVA_OPTS=-Xmx2g, the counts are cached afterwards");
        }
        return 0;
    }

    private static ZooCosts.Entry measure(ZooCosts costs, String name) {
        try {
            return costs.get(name);
        } catch (OutOfMemoryError e) {
            // Only vgg16 (553 MB of weights) gets here on small heaps; its partial model is garbage
            // by now, and every other model still fits, so the listing goes on without it.
            return null;
        }
    }
}
