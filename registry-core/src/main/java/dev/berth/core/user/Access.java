package dev.berth.core.user;

import java.util.Locale;

/** What a permission on a registry allows: {@code pull}, or {@code push} (which includes pull and delete). */
public enum Access {
    PULL, PUSH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code pull} or {@code push}; null for anything else. */
    public static Access parse(String value) {
        if ("pull".equals(value)) {
            return PULL;
        }
        if ("push".equals(value)) {
            return PUSH;
        }
        return null;
    }

    public boolean allowsPush() {
        return this == PUSH;
    }
}
