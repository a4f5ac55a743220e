package dev.berth.management.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as the contract shows them: UTC, whole seconds ({@code 2026-05-30T22:00:00Z}). */
public final class Timestamps {
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
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
