package dev.edgeperf.core;

import java.util.Objects;

/**
 * The one exception type edgeperf code throws on purpose. Its message is a single line a person
 * can act on, naming the file, field or value at fault and what was expected. Line breaks and
 * other control characters inside it (a corrupted file's names end up in messages) are written as
 * escapes such as {@code \n}, so the message stays one line whatever it quotes.
 */
public class EdgeperfException extends RuntimeException {
    private final ErrorCategory category;

    public EdgeperfException(ErrorCategory category, String message) {
        this(category, message, null);
    }

    public EdgeperfException(ErrorCategory category, String message, Throwable cause) {
        super(oneLine(Objects.requireNonNull(message, "message is null")), cause);
        this.category = Objects.requireNonNull(category, "category is null");
    }

    private static String oneLine(String message) {
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(message.length() + 8).append(message, 0, i);
                }
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> b.append(String.format("\\u%04x", (int) c));
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? message : b.toString();
    }

    public static EdgeperfException userError(String message) {
        return new EdgeperfException(ErrorCategory.USER_ERROR, message);
    }

    public static EdgeperfException external(String message, Throwable cause) {
        return new EdgeperfException(ErrorCategory.EXTERNAL, message, cause);
    }

    public static EdgeperfException internal(String message, Throwable cause) {
        return new EdgeperfException(ErrorCategory.INTERNAL, message, cause);
    }

    public ErrorCategory category() {
        return category;
    }
}
