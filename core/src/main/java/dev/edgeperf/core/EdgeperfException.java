package dev.edgeperf.core;

import java.util.Objects;

/**
 * The one exception type edgeperf code throws on purpose. Its message is a single line a person
 * can act on, naming the file, field or value at fault and what was expected.
 */
public class EdgeperfException extends RuntimeException {
    private final ErrorCategory category;

    public EdgeperfException(ErrorCategory category, String message) {
        this(category, message, null);
    }

    public EdgeperfException(ErrorCategory category, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message is null"), cause);
        this.category = Objects.requireNonNull(category, "category is null");
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
