package dev.berth.core.upload;

import dev.berth.core.error.RegistryException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The id of an upload session: 32 random hex characters, safe to use as a file name. */
public record UploadId(String value) {
    private static final Pattern GRAMMAR = Pattern.compile("[a-f0-9]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public UploadId {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw RegistryException.uploadUnknown(String.valueOf(value));
        }
    }

    public static UploadId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new UploadId(HexFormat.of().formatHex(bytes));
    }

    public static UploadId parse(String value) {
        return new UploadId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
