package dev.berth.core.digest;

import dev.berth.core.error.RegistryException;
import dev.berth.core.name.Reference;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex}, valid once built. Berth stores content under SHA-256 and SHA-512
 * (the two algorithms the image-spec registers: {@code sha256:<64 hex>}, {@code sha512:<128 hex>}); any other
 * algorithm is refused with {@code DIGEST_INVALID} when parsed, so every {@code Digest} can address content.
 *
 * <p>A class rather than a record so that it keeps its {@code algorithm:hex} form: that string goes into
 * every manifest answer's headers, cache keys and history rows, and building it per use was an allocation
 * per request. Equal when the values are equal.
 */
public final class Digest implements Reference {
    public static final String SHA256 = "sha256";
    public static final String SHA512 = "sha512";
    /** Every algorithm content can be stored under, in the order a data directory's {@code blobs/} lists them. */
    public static final List<String> ALGORITHMS = List.of(SHA256, SHA512);
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

    private final String algorithm;
    private final String hex;
    private final String value;

    public Digest(String algorithm, String hex) {
        this(algorithm, hex, algorithm + ':' + hex);
    }

    private Digest(String algorithm, String hex, String value) {
        String defect = defect(algorithm, hex);
        if (defect != null) {
            throw RegistryException.digestInvalid(defect);
        }
        this.algorithm = algorithm;
        this.hex = hex;
        this.value = value;
    }

    /** Parses {@code algorithm:hex}; a malformed value is a {@code DIGEST_INVALID}. */
    public static Digest parse(String value) {
        if (!hasGrammar(value)) {
            throw RegistryException.digestInvalid("invalid digest: " + value);
        }
        int colon = value.indexOf(':');
        return new Digest(value.substring(0, colon), value.substring(colon + 1), value);
    }

    /**
     * The digest the value names, or empty when it is not one: for a look-up, where a malformed digest is no
     * error of the request but simply names nothing stored.
     */
    public static Optional<Digest> tryParse(String value) {
        if (!hasGrammar(value)) {
            return Optional.empty();
        }
        int colon = value.indexOf(':');
        String algorithm = value.substring(0, colon);
        String hex = value.substring(colon + 1);
        return defect(algorithm, hex) == null ? Optional.of(new Digest(algorithm, hex, value)) : Optional.empty();
    }

    private static boolean hasGrammar(String value) {
        return value != null && value.length() <= 256 && GRAMMAR.matcher(value).matches();
    }

    /** What keeps the pair from being a digest Berth can name, or null when nothing does. */
    private static String defect(String algorithm, String hex) {
        return switch (algorithm) {
            case SHA256 -> SHA256_HEX.matcher(hex).matches() ? null : "invalid sha256 digest: " + hex;
            case SHA512 -> SHA512_HEX.matcher(hex).matches() ? null : "invalid sha512 digest: " + hex;
            default -> "unsupported digest algorithm: " + algorithm;
        };
    }

    /** True when the string has the shape of a digest (as opposed to a tag). */
    public static boolean looksLikeDigest(String value) {
        return value.indexOf(':') > 0;
    }

    public static Digest sha256(byte[] hash) {
        return new Digest(SHA256, HexFormat.of().formatHex(hash));
    }

    /** The digest of {@code algorithm} (one of {@link #ALGORITHMS}) whose hash is {@code hash}. */
    public static Digest of(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** The digest of the whole array under {@code algorithm} (one of {@link #ALGORITHMS}). */
    public static Digest compute(String algorithm, byte[] content) {
        return of(algorithm, newHash(algorithm).digest(content));
    }

    /** True when content can be stored under {@code algorithm}: {@code sha256} or {@code sha512}. */
    public static boolean isSupportedAlgorithm(String algorithm) {
        return SHA256.equals(algorithm) || SHA512.equals(algorithm);
    }

    /**
     * A fresh hash of {@code algorithm} (one of {@link #ALGORITHMS}); {@link IllegalArgumentException} for any
     * other, which a caller checks with {@link #isSupportedAlgorithm} first.
     */
    public static MessageDigest newHash(String algorithm) {
        return switch (algorithm) {
            case SHA256 -> newSha256();
            case SHA512 -> jdkHash("SHA-512");
            default -> throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
        };
    }

    /** A fresh hash of this digest's algorithm. */
    public MessageDigest newHash() {
        return newHash(algorithm);
    }

    /** The SHA-256 digest of the whole array. */
    public static Digest sha256Of(byte[] content) {
        return sha256(newSha256().digest(content));
    }

    public static MessageDigest newSha256() {
        return jdkHash("SHA-256");
    }

    private static MessageDigest jdkHash(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks " + name, e);
        }
    }

    public String algorithm() {
        return algorithm;
    }

    public String hex() {
        return hex;
    }

    public boolean isSha256() {
        return algorithm.equals(SHA256);
    }

    @Override
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Digest digest && value.equals(digest.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value();
    }
}
