package dev.edgeperf.core.stats;

import java.util.Locale;
import java.util.OptionalDouble;

/** Fractions as people type them on a command line: {@code 0.01} or {@code 1%}. */
public final class Fractions {
    private Fractions() {
    }

    /** The fraction in [0, 1) that {@code text} names, or empty when it names none. */
    public static OptionalDouble parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            double d = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
            return d >= 0 && d < 1 ? OptionalDouble.of(d) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
