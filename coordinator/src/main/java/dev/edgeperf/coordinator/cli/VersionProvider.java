package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.IVersionProvider;

/** The one edgeperf version string, shared with the agent ({@link dev.edgeperf.core.EdgeperfVersion}). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"edgeperf coordinator " + dev.edgeperf.core.EdgeperfVersion.get()};
    }
}
