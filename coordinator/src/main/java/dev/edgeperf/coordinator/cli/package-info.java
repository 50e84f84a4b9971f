/**
 * The {@code edgeperf} coordinator CLI (picocli): {@code serve}, {@code campaign run|status},
 * {@code models list|profile} and {@code demo}. One class per subcommand; shared flags are mixins.
 */
package dev.edgeperf.coordinator.cli;
