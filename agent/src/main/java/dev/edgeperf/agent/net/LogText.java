package dev.edgeperf.agent.net;

import io.grpc.Status;

/** Turns statuses, numbers and network strings into safe one-line log and failure text. */
final class LogText {
    private LogText() {
    }

    static String describe(Status s) {
        StringBuilder b = new StringBuilder(s.getCode().toString());
        if (s.getDescription() != null) {
            b.append(": ").append(s.getDescription());
        }
        if (s.getCause() != null && s.getCause().getMessage() != null
                && (s.getDescription() == null || !s.getDescription().contains(s.getCause().getMessage()))) {
            b.append(" (").append(s.getCause().getMessage()).append(')');
        }
        return printable(b.toString());
    }

    /** "PERMISSION_DENIED" for a gRPC status code number on the wire, "status code N" for an unknown one. */
    static String codeName(int code) {
        for (Status.Code c : Status.Code.values()) {
            if (c.value() == code) {
                return c.name();
            }
        }
        return "status code " + code;
    }

    /** One line without control characters, so network strings cannot forge log lines. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("[\\p{Cntrl}]+", " ").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, v >= 100 ? "%.1f" : "%.3f", v);
    }
}
