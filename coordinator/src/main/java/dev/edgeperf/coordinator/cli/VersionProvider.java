package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = CoordinatorMain.class.getPackage().getImplementationVersion();
        return new String[] {"edgeperf coordinator " + (version == null ? "dev" : version)};
    }
}
