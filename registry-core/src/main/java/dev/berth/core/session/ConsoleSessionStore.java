package dev.berth.core.session;

import java.time.Instant;
import java.util.Optional;

/** Where console sessions are kept: shared by the nodes of a cluster, as the rest of the metadata is. */
public interface ConsoleSessionStore {
    void insert(ConsoleSession session);

    Optional<ConsoleSession> find(String idHash);

    /** Removes the session; false when there was none. */
    boolean delete(String idHash);

    /** Removes every session (the admin token they were opened with was replaced); returns how many. */
    int deleteAll();

    /** Removes every session expired at {@code now}; returns how many. */
    int deleteExpired(Instant now);
}
