package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
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

/** {@code edgeperf models list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the built-in model zoo.")
final class ModelsListCommand implements Callable<Integer> {
    @Option(names = "--costs", description = "Also build and profile every model at batch 1 (params, MACs);"
            + " the large ImageNet models take seconds and vgg16 needs about 2 GB of heap.")
    boolean costs;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Map<String, Object>> entries = new ArrayList<>();
        TextTable table = costs ? new TextTable("name", ">params", ">MACs", "description")
                : new TextTable("name", "description");
        for (String name : ModelZoo.names()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("description", ModelZoo.describe(name));
            if (costs) {
                ModelProfile profile = ModelProfiler.profile(ModelZoo.build(name), name,
                        new ProfileOptions(1, Map.of(), CountingConvention.SEED));
                entry.put("totalParams", profile.totalParams());
                entry.put("totalMacs", profile.totalMacs());
                table.add(name, String.format(Locale.ROOT, "%,d", profile.totalParams()),
                        String.format(Locale.ROOT, "%,d", profile.totalMacs()), ModelZoo.describe(name));
            } else {
                table.add(name, ModelZoo.describe(name));
            }
            entries.add(entry);
        }
        spec.commandLine().getOut().print(json.json ? CampaignReport.write(entries) + "\n" : table.render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
