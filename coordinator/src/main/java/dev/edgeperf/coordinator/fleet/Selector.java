package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A device selector: terms {@code key=value} joined by commas, all of which must match.
 * Keys: {@code board} (aliases like {@code rpi5} = {@code raspberry-pi-5}: compared without case
 * and punctuation), {@code arch}, {@code isa} (a feature the agent has; {@code avx512} matches any
 * {@code avx512*}), {@code name}, or any label key given to agents with {@code --labels k=v}.
 */
public record Selector(List<Term> terms) {
    /** Built-in keys; any other key is a label. */
    public static final List<String> BUILT_IN_KEYS = List.of("board", "arch", "isa", "name");
    /** One job per agent connected at submit time. */
    public static final String ALL = "all";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.\\-/]{1,100}");

    /** One {@code key=value} condition. */
    public record Term(String key, String value) {
        public Term {
            Objects.requireNonNull(key, "key is null");
            Objects.requireNonNull(value, "value is null");
        }

        boolean matches(AgentTraits a) {
            return switch (key) {
                case "board" -> canonicalBoard(a.board()).equals(canonicalBoard(value));
                case "arch" -> a.arch().equalsIgnoreCase(value);
                case "isa" -> a.isaFeatures().stream().anyMatch(f -> f.equalsIgnoreCase(value)
                        || f.toLowerCase(Locale.ROOT).startsWith(value.toLowerCase(Locale.ROOT)));
                case "name" -> a.name().equals(value);
                default -> value.equals(a.labels().get(key));
            };
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    public Selector {
        terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a selector needs at least one term");
        }
    }

    /**
     * Parses {@code board=rpi5,arch=aarch64}.
     *
     * @throws EdgeperfException USER_ERROR naming the text and what is expected
     */
    public static Selector parse(String text) {
        if (text == null || text.isBlank()) {
            throw EdgeperfException.userError("device selector is empty; expected key=value such as board=rpi5");
        }
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).strip();
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            if (eq < 0 || !KEY.matcher(key).matches() || value.isEmpty()) {
                throw EdgeperfException.userError("device selector '" + text + "' is not key=value[,key=value...]"
                        + " (e.g. board=rpi5 or arch=aarch64,isa=neon)");
            }
            terms.add(new Term(key, value));
        }
        return new Selector(terms);
    }

    /** Keys that are neither built in nor among {@code labelKeys}; empty when every key is known. */
    public List<String> unknownKeys(Set<String> labelKeys) {
        return terms.stream().map(Term::key).filter(k -> !BUILT_IN_KEYS.contains(k) && !labelKeys.contains(k))
                .distinct().toList();
    }

    public boolean matches(AgentTraits agent) {
        return terms.stream().allMatch(t -> t.matches(agent));
    }

    /** The canonical text: terms in the given order, no spaces. */
    @Override
    public String toString() {
        return String.join(",", terms.stream().map(Term::toString).toList());
    }

    /** "rpi5", "RaspberryPi-5" and "raspberry-pi-5" are one board. */
    static String canonicalBoard(String board) {
        String s = board.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (s.startsWith("rpi")) {
            s = "raspberrypi" + s.substring(3);
        } else if (s.startsWith("pi") && s.length() > 2 && Character.isDigit(s.charAt(2))) {
            s = "raspberrypi" + s.substring(2);
        }
        return s;
    }
}
