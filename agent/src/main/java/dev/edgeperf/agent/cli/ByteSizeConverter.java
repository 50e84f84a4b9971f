package dev.edgeperf.agent.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses a size in bytes: "1073741824", or a number with a binary suffix K, M, G or T (optionally
 * followed by "B" or "iB", any case), so "512M" = 512 x 2^20 and "2G" = 2 x 2^30. Must be > 0.
 */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmgt])(?:i?b)?|b)?");
    private static final String UNITS = "kmgt";

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int shift = m.group(2) == null ? 0 : 10 * (UNITS.indexOf(m.group(2)) + 1);
            try {
                long n = Long.parseLong(m.group(1));
                if (n > 0 && n <= Long.MAX_VALUE >> shift) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // too many digits: the explanation below covers it
            }
        }
        throw new CommandLine.TypeConversionException("'" + value
                + "' is not a positive size; expected bytes or a number with K, M, G or T, e.g. 512M or 2G");
    }
}
