package dev.runneragent.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Key secrets. A secret is 32 random hex characters (128 bits), like Clarifai's. The store keeps only its SHA-256
 * (a fast hash is right for high-entropy random tokens; a password hash would only slow every request). The first
 * {@link #HANDLE_LENGTH} characters of that hash are the key's public handle, which reads show followed by asterisks:
 * it names the key without revealing any of the secret.
 */
final class Tokens {

    static final int HANDLE_LENGTH = 16;
    private static final int SECRET_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Tokens() {}

    static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    static String hash(String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HEX.formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The public handle of a key, from the hash of its secret. */
    static String handleOfHash(String hash) {
        return hash.substring(0, HANDLE_LENGTH);
    }

    /** How reads show a key: its handle, then asterisks in place of the rest of the secret. */
    static String masked(String handle) {
        return handle + "*".repeat(32 - HANDLE_LENGTH);
    }

    /** The handle in a masked id as reads show it (or in a bare handle). */
    static String handleOfMasked(String reference) {
        return reference.replace("*", "");
    }
}
