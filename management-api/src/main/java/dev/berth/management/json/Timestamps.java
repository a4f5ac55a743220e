package dev.berth.management.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** RFC 3339 timestamps as the contract shows them: UTC, whole seconds ({@code 2026-05-30T22:00:00Z}). */
public final class Timestamps {
    /**
     * RFC 3339's {@code date-time} (section 5.6): a four-digit year, {@code T}, seconds, an optional fraction,
     * {@code Z} or {@code ±hh:mm}. Java's ISO parser alone takes more: years such as {@code +999999999},
     * times without seconds and offsets with seconds, none of which a client of the contract may send.
     */
    private static final Pattern DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private Timestamps() {
    }

    /** The instant in UTC to the second; null stays null (a {@code pulled_at} never pulled). */
    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Parses an RFC 3339 date-time with {@code Z} or a numeric offset; null when it is not one. Offsets are
     * accepted because RFC 3339 allows them; the answer is always written back in UTC.
     */
    public static Instant parse(String value) {
        if (!DATE_TIME.matcher(value).matches()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
