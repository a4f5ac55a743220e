package dev.berth.storage.meta;

import dev.berth.core.session.ConsoleSession;
import dev.berth.core.session.ConsoleSessionStore;

import java.time.Instant;
import java.util.Optional;

/** The console's sessions in the {@link Database}: {@code console_sessions}, one short transaction a call. */
public final class H2ConsoleSessionStore implements ConsoleSessionStore {
    private final Database database;

    public H2ConsoleSessionStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(ConsoleSession session) {
        database.transaction(c -> Database.update(c, "INSERT INTO console_sessions (id_hash, csrf_token, created_at, "
                + "expires_at) VALUES (?, ?, ?, ?)", session.idHash(), session.csrfToken(), session.createdAt(), session.expiresAt()));
    }

    @Override
    public Optional<ConsoleSession> find(String idHash) {
        return database.transaction(c -> Database.queryList(c, "SELECT id_hash, csrf_token, created_at, expires_at "
                + "FROM console_sessions WHERE id_hash = ?", rs -> new ConsoleSession(rs.getString("id_hash"),
                rs.getString("csrf_token"), Database.instant(rs, "created_at"), Database.instant(rs, "expires_at")), idHash)
                .stream().findFirst());
    }

    @Override
    public boolean delete(String idHash) {
        return database.transaction(c -> Database.update(c, "DELETE FROM console_sessions WHERE id_hash = ?", idHash) == 1);
    }

    @Override
    public int deleteAll() {
        return database.transaction(c -> Database.update(c, "DELETE FROM console_sessions"));
    }

    @Override
    public int deleteExpired(Instant now) {
        return database.transaction(c -> Database.update(c, "DELETE FROM console_sessions WHERE expires_at <= ?", now));
    }
}
