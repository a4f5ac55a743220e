package dev.berth.core.tenant;

import java.util.regex.Pattern;

/** A tenant registry's name: one OCI path component, 2 to 63 characters. */
public record RegistryName(String value) {
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");

    public RegistryName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid registry name: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() >= 2 && value.length() <= 63 && GRAMMAR.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
