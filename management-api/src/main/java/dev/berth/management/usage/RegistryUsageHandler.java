package dev.berth.management.usage;

import dev.berth.core.catalog.CatalogService;
import dev.berth.core.error.RegistryException;
import dev.berth.management.json.Timestamps;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A registry's daily usage series: {@code GET /api/v1/registries/{registry}/usage?from=&to=&step=day}. {@code from}
 * and {@code to} are RFC 3339 full dates ({@code 2026-05-30}) or date-times, a date-time naming the UTC day it falls
 * in; the span's defaults and limits are {@link CatalogService#dailyUsage}'s. {@code step} is {@code day}, the only
 * step there is. Counts are written behind the request, like the history: the newest few seconds may be missing.
 */
final class RegistryUsageHandler implements Operation {
    static final String STEP_DAY = "day";
    /** RFC 3339's {@code full-date}: exactly four digits of year, two of month, two of day. */
    private static final Pattern FULL_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final CatalogService catalog;

    RegistryUsageHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        String step = call.query("step");
        if (step != null && !step.equals(STEP_DAY)) {
            throw invalid("step is day, the only step there is");
        }
        LocalDate from = day(call, "from");
        LocalDate to = day(call, "to");
        return Reply.ok(UsageSeriesView.of(STEP_DAY, catalog.dailyUsage(call.param("registry"), from, to)));
    }

    /** The UTC day a query parameter names, null when absent; 400 when it is neither a date nor a date-time. */
    private static LocalDate day(Call call, String name) {
        String value = call.query(name);
        if (value == null) {
            return null;
        }
        if (FULL_DATE.matcher(value).matches()) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(name + " is not a date of the calendar: " + value);
            }
        }
        Instant instant = Timestamps.parse(value);
        if (instant == null) {
            throw invalid(name + " is an RFC 3339 date (2026-05-30) or date-time (2026-05-30T22:00:00Z)");
        }
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static RegistryException invalid(String message) {
        return RegistryException.malformed("INVALID_PARAMETER", message);
    }
}
