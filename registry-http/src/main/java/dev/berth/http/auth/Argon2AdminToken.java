package dev.berth.http.auth;

import dev.berth.core.auth.AdminTokenVerifier;
import dev.berth.core.user.UserStore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin token: a secret an operator may choose, so it is stored only as an Argon2id hash (in the
 * settings table), never in clear.
 *
 * <p>Life cycle: when {@code REGISTRY_ADMIN_TOKEN} is set, its hash replaces whatever was stored (rotating
 * the token is setting a new value and restarting). When it is unset and nothing is stored (first start),
 * a random token is generated, printed once on standard output, and only its hash kept. When it is unset
 * and a hash is stored, that hash stays in force.
 *
 * <p>Argon2id is deliberately slow (tens of milliseconds of a core): {@link dev.berth.core.auth.AdminLogin}
 * remembers the tokens it verified and runs this check on a bounded pool, behind the failed-login throttle.
 */
public final class Argon2AdminToken implements AdminTokenVerifier {
    static final String SETTING = "admin_token_hash";
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final String storedHash;

    private Argon2AdminToken(String storedHash) {
        this.storedHash = storedHash;
    }

    /**
     * Applies the life cycle above and returns the verifier of the token in force.
     *
     * @param replaced run when a new token replaces a stored one: what was opened with the old token (the console's
     *                 sessions) must end with it
     */
    public static Argon2AdminToken initialise(UserStore settings, String fromEnvironment, PrintStream out, Runnable replaced) {
        String stored = settings.setting(SETTING).orElse(null);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            if (stored == null || !matches(fromEnvironment, stored)) {
                if (stored != null) {
                    replaced.run();
                }
                stored = hash(fromEnvironment);
                settings.putSetting(SETTING, stored);
            }
        } else if (stored == null) {
            String generated = generate();
            stored = hash(generated);
            settings.putSetting(SETTING, stored);
            out.println("Generated admin token (shown only this once; log in as user 'admin' with it): " + generated);
            out.flush();
        }
        return new Argon2AdminToken(stored);
    }

    @Override
    public boolean matches(String token) {
        return token != null && !token.isEmpty() && matches(token, storedHash);
    }

    static String hash(String token) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + '$'
                + b64.encodeToString(salt) + '$' + b64.encodeToString(derive(token, salt, MEMORY_KIB, ITERATIONS, PARALLELISM));
    }

    static boolean matches(String token, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 5 || !parts[0].equals("argon2id") || !parts[1].equals("v=19")) {
            return false;
        }
        try {
            int memory = 0;
            int iterations = 0;
            int parallelism = 0;
            for (String parameter : parts[2].split(",")) {
                String[] kv = parameter.split("=");
                int value = Integer.parseInt(kv[1]);
                switch (kv[0]) {
                    case "m" -> memory = value;
                    case "t" -> iterations = value;
                    case "p" -> parallelism = value;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] expected = Base64.getDecoder().decode(parts[4]);
            return MessageDigest.isEqual(expected, derive(token, salt, memory, iterations, parallelism));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] derive(String token, byte[] salt, int memoryKib, int iterations, int parallelism) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build());
        byte[] out = new byte[HASH_BYTES];
        generator.generateBytes(token.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private static String generate() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
