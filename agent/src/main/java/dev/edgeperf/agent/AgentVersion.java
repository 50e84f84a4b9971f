package dev.edgeperf.agent;

/** The agent's own version, from the jar manifest when packaged. */
public final class AgentVersion {
    private static final String FALLBACK = "0.1.0-SNAPSHOT";

    private AgentVersion() {
    }

    /** Implementation-Version of the agent jar, or the development version when run from classes. */
    public static String get() {
        String v = AgentVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? FALLBACK : v;
    }
}
