package dev.berth.core.testing;

import dev.berth.core.session.ConsoleSession;
import dev.berth.core.session.ConsoleSessionStore;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Console sessions in a map, held to {@link dev.berth.core.session.ConsoleSessionStoreContract}. */
public final class InMemoryConsoleSessionStore implements ConsoleSessionStore {
    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();

    @Override
    public void insert(ConsoleSession session) {
        if (sessions.putIfAbsent(session.idHash(), session) != null) {
            throw new IllegalStateException("session " + session.idHash() + " exists");
        }
    }

    @Override
    public Optional<ConsoleSession> find(String idHash) {
        return Optional.ofNullable(sessions.get(idHash));
    }

    @Override
    public boolean delete(String idHash) {
        return sessions.remove(idHash) != null;
    }

    @Override
    public int deleteAll() {
        int all = sessions.size();
        sessions.clear();
        return all;
    }

    @Override
    public int deleteExpired(Instant now) {
        int before = sessions.size();
        sessions.values().removeIf(session -> session.isExpired(now));
        return before - sessions.size();
    }

    public int size() {
        return sessions.size();
    }
}
