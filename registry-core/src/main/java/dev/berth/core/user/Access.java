package dev.berth.core.user;

import java.util.Locale;

/** What a permission on a registry allows: {@code pull}, or {@code push} (which includes pull and delete). */
public enum Access {
    PULL("pull images and artifacts from the registry's repositories"),
    PUSH("pull, push, tag and delete images and artifacts in the registry's repositories");

    private final String description;

    Access(String description) {
        this.description = description;
    }

    /** What the access level allows, in a sentence for people choosing one (the permissions catalogue). */
    public String description() {
        return description;
    }

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
