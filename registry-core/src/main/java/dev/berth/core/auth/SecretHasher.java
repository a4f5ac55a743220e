package dev.berth.core.auth;

import dev.berth.core.digest.Digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Generated user secrets and their salted hashes. A generated secret carries 40 characters from a CSPRNG
 * (about 238 bits), so one salted SHA-256 is as strong as a slow hash would be for it; secrets a person
 * chooses (the admin token) use Argon2id elsewhere. Stored form: {@code sha256$<salt>$<hash>}, base64.
 */
public final class SecretHasher {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int SECRET_LENGTH = 40;
    private static final int SALT_BYTES = 16;
    private static final String SCHEME = "sha256";

    private final SecureRandom random = new SecureRandom();

    public String newSecret() {
        StringBuilder secret = new StringBuilder(SECRET_LENGTH);
        for (int i = 0; i < SECRET_LENGTH; i++) {
            secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    public String hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + '$' + b64.encodeToString(salt) + '$' + b64.encodeToString(digest(salt, secret));
    }

    /** Compares in constant time; false for a malformed stored hash. */
    public boolean matches(String secret, String stored) {
        if (secret == null || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 3 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] expected = Base64.getDecoder().decode(parts[2]);
            return MessageDigest.isEqual(expected, digest(salt, secret));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(byte[] salt, String secret) {
        MessageDigest sha = Digest.newSha256();
        sha.update(salt);
        return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
