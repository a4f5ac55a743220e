package dev.berth.core.gc;

import java.util.Locale;

/** Where a collection is: going, finished, or stopped by a failure (a crash of its node included). */
public enum GcState {
    RUNNING, DONE, FAILED;

    /** The state as the management API and the store write it: {@code running}, {@code done}, {@code failed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state a {@link #wireName} names. */
    public static GcState parse(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
