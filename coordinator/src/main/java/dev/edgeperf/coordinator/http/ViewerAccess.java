package dev.edgeperf.coordinator.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read the dashboard and the API: everyone (loopback, the default) or whoever presents the
 * viewer token, either as {@code Authorization: Bearer TOKEN} (scripts, Prometheus) or as the password
 * of HTTP basic auth with any user name (browsers, which ask for it after the first 401).
 */
public final class ViewerAccess {
    /** Sent with every 401 so that a browser shows its login prompt. */
    static final String CHALLENGE = "Basic realm=\"edgeperf dashboard\", charset=\"UTF-8\"";
    private static final ViewerAccess OPEN = new ViewerAccess(null);

    private final byte[] token;

    private ViewerAccess(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** No credentials needed. */
    public static ViewerAccess open() {
        return OPEN;
    }

    /** Requests must carry {@code token}. */
    public static ViewerAccess token(String token) {
        Objects.requireNonNull(token, "token is null");
        if (token.isBlank()) {
            throw new IllegalArgumentException("viewer token is blank");
        }
        return new ViewerAccess(token);
    }

    public boolean isOpen() {
        return token == null;
    }

    /** Whether a request with this {@code Authorization} header value (null when absent) may read. */
    public boolean permits(String authorization) {
        if (token == null) {
            return true;
        }
        return presented(authorization).map(p -> MessageDigest.isEqual(p, token)).orElse(false);
    }

    private static Optional<byte[]> presented(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return Optional.of(credentials.getBytes(StandardCharsets.UTF_8));
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String userAndPassword = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                int colon = userAndPassword.indexOf(':');
                return colon < 0 ? Optional.empty()
                        : Optional.of(userAndPassword.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not base64: no credentials
            }
        }
        return Optional.empty();
    }
}
