package dev.edgeperf.coordinator.app;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The shared secret agents and the CLI present: 32 random bytes, hex, in a file only the owner can read. */
public final class JoinToken {
    public static final String FILE_NAME = "join-token";

    private JoinToken() {
    }

    /** Reads {@code <dataDir>/join-token}, creating it (mode 0600) with a fresh token on first start. */
    public static String loadOrCreate(Path dataDir) {
        return loadOrCreateFile(dataDir.resolve(FILE_NAME));
    }

    /** Reads {@code file}, creating it (mode 0600, folders as needed) with a fresh random token first. */
    static String loadOrCreateFile(Path file) {
        Path dataDir = file.toAbsolutePath().getParent();
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        try {
            Files.createDirectories(dataDir);
            try {
                // Created with 0600 from the start, so the token is never readable by others, not even briefly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
            return token;
        } catch (FileAlreadyExistsException e) {
            return read(file); // another process created it first
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write token " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a token file (surrounding white space ignored).
     *
     * @throws EdgeperfException USER_ERROR when the file is missing, unreadable or empty
     */
    public static String read(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.isEmpty()) {
                throw EdgeperfException.userError("join token file " + file + " is empty");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("join token file " + file + " does not exist; start the coordinator"
                    + " (edgeperf serve) first or pass --token-file");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read join token file " + file + ": " + e.getMessage());
        }
    }
}
