package dev.berth.storage.meta;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.usage.DailyUsage;
import dev.berth.core.usage.DailyUsageRows;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.usage.PullTally;
import dev.berth.core.usage.UploadedBytes;
import dev.berth.core.usage.UsageStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.berth.storage.meta.Database.bind;
import static dev.berth.storage.meta.Database.instant;
import static dev.berth.storage.meta.Database.update;

/**
 * Pull counters and the registries' history in the H2 {@link Database}, each batch in one transaction.
 *
 * <p>A batch of pulls is first folded per row (one update per repository, per artifact and per tag however
 * many pulls name it), and the rows are updated in a fixed order (by name, then digest, then tag), so that
 * two batches never wait on each other in a cycle.
 *
 * <p>Daily usage ({@code registry_daily_usage}) is added to in the transactions of the batches it comes from: a
 * day's pulls with the pull counters, its pushes with the history, in standard SQL only (no engine's upsert): an
 * {@code UPDATE} of the row, and an {@code INSERT} when the day has none yet. When two nodes insert the same row at
 * once, the second insert fails on the primary key and {@link Database#transaction} runs the whole batch again, and
 * the {@code UPDATE} then finds the row. Day rows are written after every other row of their transaction and in one
 * order (by registry name, then day), so that two batches never wait on each other's day rows in a cycle.
 */
public final class H2UsageStore implements UsageStore {
    private final Database database;

    public H2UsageStore(Database database) {
        this.database = database;
    }

    @Override
    public void recordPulls(List<PullRecord> pulls) {
        if (pulls.isEmpty()) {
            return;
        }
        Map<String, PullTally> byRepository = new TreeMap<>();
        Map<List<String>, PullTally> byArtifact = new TreeMap<>(H2UsageStore::compareKeys);
        Map<List<String>, PullTally> byTag = new TreeMap<>(H2UsageStore::compareKeys);
        // Counted on the registry whether or not the repository is still there, as the history counts it.
        Map<RegistryDay, DayCounts> byDay = new TreeMap<>();
        for (PullRecord pull : pulls) {
            byDay.computeIfAbsent(new RegistryDay(pull.repository().registry(), utcDay(pull.latest())),
                    k -> new DayCounts()).pulls += pull.count();
            String repository = pull.repository().value();
            String digest = pull.digest().value();
            byRepository.computeIfAbsent(repository, k -> new PullTally()).add(pull.count(), pull.latest());
            byArtifact.computeIfAbsent(List.of(repository, digest), k -> new PullTally()).add(pull.count(), pull.latest());
            if (pull.tag() != null) {
                byTag.computeIfAbsent(List.of(repository, digest, pull.tag()), k -> new PullTally()).add(pull.count(), pull.latest());
            }
        }
        database.transaction(c -> {
            Map<String, Long> ids = new HashMap<>();
            for (Map.Entry<String, PullTally> e : byRepository.entrySet()) {
                Long id = Database.queryLong(c, "SELECT id FROM repositories WHERE name = ?", e.getKey());
                if (id != null) {
                    ids.put(e.getKey(), id);
                    update(c, "UPDATE repositories SET pull_count = pull_count + ? WHERE id = ?", e.getValue().count(), id);
                }
            }
            for (Map.Entry<List<String>, PullTally> e : byArtifact.entrySet()) {
                Long id = ids.get(e.getKey().get(0));
                if (id != null) {
                    Instant at = e.getValue().latest();
                    update(c, "UPDATE manifests SET pull_count = pull_count + ?, "
                                    + "pulled_at = CASE WHEN pulled_at IS NULL OR pulled_at < ? THEN ? ELSE pulled_at END "
                                    + "WHERE repository_id = ? AND digest = ?",
                            e.getValue().count(), at, at, id, e.getKey().get(1));
                }
            }
            for (Map.Entry<List<String>, PullTally> e : byTag.entrySet()) {
                Long id = ids.get(e.getKey().get(0));
                if (id != null) {
                    Instant at = e.getValue().latest();
                    // Only while the tag still points at the artifact that was pulled through it.
                    update(c, "UPDATE tags SET pulled_at = CASE WHEN pulled_at IS NULL OR pulled_at < ? THEN ? "
                                    + "ELSE pulled_at END WHERE repository_id = ? AND name = ? AND digest = ?",
                            at, at, id, e.getKey().get(2), e.getKey().get(1));
                }
            }
            addToDays(c, byDay);
            return null;
        });
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int order = a.get(i).compareTo(b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public void appendHistory(List<HistoryEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Map<RegistryDay, DayCounts> pushesByDay = new TreeMap<>();
        for (HistoryEvent event : events) {
            if (event.action().equals("push") && event.registry() != null) {
                pushesByDay.computeIfAbsent(new RegistryDay(event.registry(), utcDay(event.time())),
                        k -> new DayCounts()).pushes++;
            }
        }
        database.transaction(c -> {
            Map<String, Long> registries = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO history (registry_id, event_time, action, "
                    + "repository, reference, digest, bytes, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                int batched = 0;
                for (HistoryEvent event : events) {
                    Long registryId = registryId(c, registries, event.registry());
                    if (registryId == null) {
                        continue; // its registry is gone (or never was): nobody can read the event
                    }
                    bind(s, registryId, event.time(), event.action(), event.repository(), event.reference(),
                            event.digest(), event.bytes(), event.actor());
                    s.addBatch();
                    batched++;
                }
                if (batched > 0) {
                    s.executeBatch();
                }
            }
            addToDays(c, pushesByDay);
            return null;
        });
    }

    @Override
    public void addUploadedBytes(List<UploadedBytes> uploads) {
        if (uploads.isEmpty()) {
            return;
        }
        Map<RegistryDay, DayCounts> byDay = new TreeMap<>();
        for (UploadedBytes upload : uploads) {
            byDay.computeIfAbsent(new RegistryDay(upload.registry(), upload.day()), k -> new DayCounts()).bytesPushed
                    += upload.bytes();
        }
        database.transaction(c -> {
            addToDays(c, byDay);
            return null;
        });
    }

    /**
     * Compares each registry's usage with its latest sample on or before {@code day} and writes the usage into the
     * day's row where they differ, in one transaction, registries by name. The usage is read as committed, without
     * the registry's lock: a sample is a moment's view, and the next one catches up with what changes meanwhile.
     */
    @Override
    public void sampleStorage(LocalDate day) {
        database.transaction(c -> {
            List<long[]> changed = new ArrayList<>();
            for (long[] registry : Database.queryList(c, "SELECT g.id, g.storage_used_bytes, "
                    + "(SELECT u.storage_used_bytes FROM registry_daily_usage u WHERE u.registry_id = g.id "
                    + "AND u.usage_day <= ? AND u.storage_used_bytes IS NOT NULL "
                    + "ORDER BY u.usage_day DESC FETCH FIRST 1 ROWS ONLY) AS sampled "
                    + "FROM registries g ORDER BY g.name", rs -> {
                        long sampled = rs.getLong("sampled");
                        // No sample yet counts as zero: a registry that never held anything gets no rows.
                        if (rs.wasNull()) {
                            sampled = 0;
                        }
                        return new long[] {rs.getLong("id"), rs.getLong("storage_used_bytes"), sampled};
                    }, day)) {
                if (registry[1] != registry[2]) {
                    changed.add(registry);
                }
            }
            for (long[] registry : changed) {
                if (update(c, "UPDATE registry_daily_usage SET storage_used_bytes = ? WHERE registry_id = ? AND usage_day = ?",
                        registry[1], registry[0], day) == 0) {
                    update(c, "INSERT INTO registry_daily_usage (registry_id, usage_day, storage_used_bytes, pushes, pulls, "
                            + "bytes_pushed) VALUES (?, ?, ?, 0, 0, 0)", registry[0], day, registry[1]);
                }
            }
            return null;
        });
    }

    @Override
    public DailyUsageRows dailyUsage(String registry, LocalDate from, LocalDate to) {
        return database.transaction(c -> {
            Long registryId = Database.registryId(c, registry);
            if (registryId == null) {
                return new DailyUsageRows(null, List.of());
            }
            Long before = Database.queryLong(c, "SELECT storage_used_bytes FROM registry_daily_usage WHERE registry_id = ? "
                    + "AND usage_day < ? AND storage_used_bytes IS NOT NULL ORDER BY usage_day DESC FETCH FIRST 1 ROWS ONLY",
                    registryId, from);
            List<DailyUsage> days = Database.queryList(c, "SELECT usage_day, storage_used_bytes, pushes, pulls, bytes_pushed "
                    + "FROM registry_daily_usage WHERE registry_id = ? AND usage_day >= ? AND usage_day <= ? "
                    + "ORDER BY usage_day", H2UsageStore::readDay, registryId, from, to);
            return new DailyUsageRows(before, days);
        });
    }

    private static DailyUsage readDay(ResultSet rs) throws SQLException {
        long storage = rs.getLong("storage_used_bytes");
        Long storageUsedBytes = rs.wasNull() ? null : storage;
        return new DailyUsage(rs.getObject("usage_day", LocalDate.class), storageUsedBytes, rs.getLong("pushes"),
                rs.getLong("pulls"), rs.getLong("bytes_pushed"));
    }

    /**
     * Adds the counts to their registries' day rows, in the map's order (by registry name, then day); a registry
     * that is gone is skipped, as its history is.
     */
    private static void addToDays(Connection c, Map<RegistryDay, DayCounts> counts) throws SQLException {
        Map<String, Long> registries = new HashMap<>();
        for (Map.Entry<RegistryDay, DayCounts> e : counts.entrySet()) {
            Long registryId = registryId(c, registries, e.getKey().registry());
            if (registryId == null) {
                continue;
            }
            DayCounts add = e.getValue();
            LocalDate day = e.getKey().day();
            if (update(c, "UPDATE registry_daily_usage SET pushes = pushes + ?, pulls = pulls + ?, "
                    + "bytes_pushed = bytes_pushed + ? WHERE registry_id = ? AND usage_day = ?",
                    add.pushes, add.pulls, add.bytesPushed, registryId, day) == 0) {
                // A concurrent insert of this row by another node fails this one on the primary key: the
                // transaction runs again (Database#transaction), and the update above finds the row then.
                update(c, "INSERT INTO registry_daily_usage (registry_id, usage_day, storage_used_bytes, pushes, pulls, "
                        + "bytes_pushed) VALUES (?, ?, NULL, ?, ?, ?)", registryId, day, add.pushes, add.pulls,
                        add.bytesPushed);
            }
        }
    }

    private static LocalDate utcDay(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }

    /** A registry's UTC day, ordered by registry name, then day: the order day rows are written in. */
    private record RegistryDay(String registry, LocalDate day) implements Comparable<RegistryDay> {
        private static final Comparator<RegistryDay> ORDER =
                Comparator.comparing(RegistryDay::registry).thenComparing(RegistryDay::day);

        @Override
        public int compareTo(RegistryDay other) {
            return ORDER.compare(this, other);
        }
    }

    /** What a batch adds to one day row. */
    private static final class DayCounts {
        long pushes;
        long pulls;
        long bytesPushed;
    }

    private static Long registryId(Connection c, Map<String, Long> known, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        if (!known.containsKey(name)) {
            known.put(name, Database.registryId(c, name));
        }
        return known.get(name);
    }

    /** The registry's events, newest first; the page's name filter, when set, applies to the repository. */
    @Override
    public Listing<HistoryEvent> history(String registry, String action, PageRequest page) {
        return database.transaction(c -> {
            Long registryId = Database.registryId(c, registry);
            if (registryId == null) {
                return new Listing<HistoryEvent>(0, List.of());
            }
            PagedQuery query = new PagedQuery("history").where("registry_id = ?", registryId);
            if (action != null) {
                query.where("action = ?", action);
            }
            return query.whereContains("repository", page.nameContains()).list(c, "event_time, action, repository, "
                    + "reference, digest, bytes, actor", "event_time DESC, id DESC", page, rs -> new HistoryEvent(
                    instant(rs, "event_time"), registry, rs.getString("action"), rs.getString("repository"),
                    rs.getString("reference"), rs.getString("digest"), rs.getLong("bytes"), rs.getString("actor")));
        });
    }

    @Override
    public int pruneHistory(Instant before, int limit) {
        return database.transaction(c -> update(c, "DELETE FROM history WHERE id IN (SELECT id FROM history "
                + "WHERE event_time < ? ORDER BY event_time, id FETCH FIRST ? ROWS ONLY)", before, limit));
    }
}
