package dev.berth.storage.meta;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.usage.PullTally;
import dev.berth.core.usage.UsageStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
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
        for (PullRecord pull : pulls) {
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
            return null;
        });
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
