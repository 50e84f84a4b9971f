package dev.edgeperf.coordinator.http;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files gRPC takes ({@code --tls-cert} chain, {@code --tls-key} PKCS#8 key) as an in-memory
 * key store for Jetty, so that HTTPS uses the same certificate without a keytool step.
 */
public final class PemKeyStore {
    /** Password of the in-memory store only; it never reaches a disk. */
    static final String PASSWORD = "edgeperf";
    static final String ALIAS = "edgeperf";
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeyStore() {
    }

    /** @throws EdgeperfException USER_ERROR naming the file and what was expected */
    public static KeyStore load(Path certChain, Path privateKey) {
        List<Certificate> chain = certificates(certChain);
        PrivateKey key = privateKey(privateKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw EdgeperfException.userError("--tls-key " + privateKey + " does not belong to --tls-cert "
                    + certChain + ": " + e.getMessage());
        }
    }

    private static List<Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw EdgeperfException.userError("--tls-cert " + file + " holds no certificate; expected a PEM"
                        + " certificate chain");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw EdgeperfException.userError("--tls-cert " + file + " cannot be read as a PEM certificate chain: "
                    + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw EdgeperfException.userError("--tls-key " + file + " cannot be read: " + e.getMessage());
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw EdgeperfException.userError("--tls-key " + file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE"
                    + " KEY); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw EdgeperfException.userError("--tls-key " + file + " holds a private key that is not RSA, EC or Ed25519");
    }
}
