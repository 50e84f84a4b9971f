package dev.edgeperf.coordinator.app;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The secret people and scripts present to read the dashboard and API when it listens beyond loopback:
 * the operator's {@code --viewer-token-file}, or {@code <data-dir>/viewer-token} made on first start.
 * Apart from the join token, so a dashboard reader cannot register agents or submit campaigns.
 */
public final class ViewerToken {
    public static final String FILE_NAME = "viewer-token";
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ViewerToken() {
    }

    /** Reads {@code <dataDir>/viewer-token}, creating it (mode 0600) with a fresh token on first start. */
    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        String token = JoinToken.loadOrCreateFile(file);
        checkPrivate(file, "viewer token file");
        return token;
    }

    /**
     * Reads an operator's token file.
     *
     * @throws EdgeperfException USER_ERROR when it is missing, empty, or readable by group or others
     */
    public static String readPrivate(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("--viewer-token-file " + file + " does not exist");
        } catch (IOException e) {
            throw EdgeperfException.userError("--viewer-token-file " + file + " cannot be read: " + e.getMessage());
        }
        checkPrivate(file, "--viewer-token-file");
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw EdgeperfException.userError("--viewer-token-file " + file + " must hold one token without spaces,"
                    + " got " + (token.isEmpty() ? "an empty file" : "white space inside"));
        }
        return token;
    }

    private static void checkPrivate(Path file, String what) {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX modes on this file system: nothing to check
        } catch (IOException e) {
            throw EdgeperfException.userError(what + " " + file + " cannot be read: " + e.getMessage());
        }
        if (mode.stream().anyMatch(SHARED::contains)) {
            throw EdgeperfException.userError(what + " " + file + " is open to group or others (mode "
                    + PosixFilePermissions.toString(mode) + "); expected rw------- (chmod 600 " + file + ")");
        }
    }
}
