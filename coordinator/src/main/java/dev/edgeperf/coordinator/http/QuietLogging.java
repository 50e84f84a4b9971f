package dev.edgeperf.coordinator.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Jetty and Javalin log a dozen INFO/DEBUG lines per start and per request; a coordinator console is
 * for job progress. Raises them to WARN unless the operator configured those loggers explicitly.
 * {@code io.javalin.Javalin} goes OFF: its only remaining message is a stack trace for a failed start,
 * which {@link DashboardServer#start()} already turns into a one-line {@code EdgeperfException}.
 */
final class QuietLogging {
    private static final String[] NOISY = {"org.eclipse.jetty", "io.javalin"};
    private static final String START_FAILURE_LOGGER = "io.javalin.Javalin";

    private QuietLogging() {
    }

    static void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (String name : NOISY) {
            ch.qos.logback.classic.Logger logger = context.getLogger(name);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARN);
            }
        }
        ch.qos.logback.classic.Logger javalin = context.getLogger(START_FAILURE_LOGGER);
        if (javalin.getLevel() == null) {
            javalin.setLevel(Level.OFF);
        }
    }
}
