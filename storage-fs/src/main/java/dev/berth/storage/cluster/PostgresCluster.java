package dev.berth.storage.cluster;

import dev.berth.core.cluster.CacheChange;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.cluster.ClusterMembership;
import dev.berth.core.thread.NamedDaemonThreads;
import dev.berth.storage.meta.Database;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One node of the nodes that share a PostgreSQL database: their caches kept coherent with {@code LISTEN/NOTIFY},
 * and their addresses in {@code cluster_nodes}.
 *
 * <p>A thread of this node holds a connection of its own that listens on two channels: the changes the nodes
 * announce, and the acknowledgements of those changes. Every {@link #HEARTBEAT} it writes its heartbeat on that
 * connection and reads which nodes are live. A notification committed before a round trip on the listening
 * connection starts is delivered before that round trip's answer; so once a round trip that started at time t
 * has come back and the thread has applied what it delivered, this node has heard of every change committed
 * before t. That t is {@code confirmedAt}, and the caches answer only while it is less than {@link #STALE_AFTER}
 * old ({@link #cachesCurrent}).
 *
 * <p>{@link #announce} notifies a change that has committed and then waits, at most {@link #STALE_AFTER}, for an
 * acknowledgement from every node whose heartbeat is fresh (read in the notifying transaction). A node
 * acknowledges after it has applied the change. A node that has not acknowledged within that time has not
 * completed a round trip started after the change committed (it would have heard of it), so its
 * {@code confirmedAt} is older than the change, and by the time the announcement returns more than
 * {@link #STALE_AFTER} old: it answers from the store until it catches up. A node whose heartbeat is not fresh
 * either (it was not waited for) has not confirmed anything for longer than that already. Either way, no node
 * answers from a cache that misses the change once the writer's client has its answer. Durations are measured by
 * each node's own monotonic clock, and heartbeat ages by PostgreSQL's, so that no two clocks have to agree.
 *
 * <p>Whenever this node goes from stale to current (at its first round trip, after a reconnection that may
 * have lost notifications, after a change it failed to apply) it drops everything its caches hold
 * ({@link CacheChange#EVERYTHING}) before it trusts them again. So does it when a node stops being live: a node
 * that died between committing a change and announcing it leaves no cache stale for longer than
 * {@link #LIVE_WITHIN}.
 */
public final class PostgresCluster implements CacheCoherence, ClusterMembership, AutoCloseable {
    /** How often the listening connection makes a round trip (heartbeat and live nodes). */
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    /** How long after its last confirmed round trip a node stops answering from its caches. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(3);
    /** How recent a heartbeat must be for a node to be waited for: more than {@link #STALE_AFTER}, never less. */
    static final Duration LIVE_WITHIN = STALE_AFTER.plusSeconds(1);
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);
    private static final String CHANGES = "berth_changes";
    private static final String ACKS = "berth_acks";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);

    private final String self;
    private final String address;
    private final Database database;
    private final ListenConnection listen;
    private final ClusterNodes nodes = new ClusterNodes(LIVE_WITHIN);
    private final List<Consumer<CacheChange>> subscribers = new CopyOnWriteArrayList<>();
    /**
     * This node's changes are numbered from its start time in microseconds on, so that a restarted node's numbers
     * are above any an acknowledgement from before its restart could still carry.
     */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    /** For each other node, the highest sequence number of this node's changes that it has acknowledged. */
    private final Map<String, Long> acknowledged = new HashMap<>();
    private final Thread listener;
    private final CountDownLatch firstRoundTrip = new CountDownLatch(1);
    private volatile Map<String, String> live = Map.of();
    private volatile long confirmedAt;
    private volatile boolean confirmed;
    private volatile boolean closed;

    /** Opens the connection that {@link PostgresCluster} listens on. */
    @FunctionalInterface
    public interface ListenConnection {
        Connection open() throws SQLException;

        /** Connections to the JDBC URL, as the given user (both may be null when the URL names them). */
        static ListenConnection to(String jdbcUrl, String user, String password) {
            return () -> {
                Properties properties = new Properties();
                if (user != null) {
                    properties.setProperty("user", user);
                }
                if (password != null) {
                    properties.setProperty("password", password);
                }
                return DriverManager.getConnection(jdbcUrl, properties);
            };
        }
    }

    private PostgresCluster(String self, String address, Database database, ListenConnection listen) {
        this.self = self;
        this.address = address;
        this.database = database;
        this.listen = listen;
        this.listener = new NamedDaemonThreads("berth-cluster-listener").newThread(this::listen);
    }

    /**
     * Joins the cluster as node {@code self}, reachable by the others at {@code address} ({@code host:port}), and
     * starts listening. Returns once this node knows the others and they have had the time of a heartbeat to
     * learn of it (a session it opens is one they can forward to), or after {@link #STALE_AFTER} when the
     * database does not answer; the caches answer from the first round trip on.
     *
     * @param blobsShared whether the blobs are where every node sees them (an object store), not in this node's
     *                    data directory
     * @throws IllegalStateException when the blobs are not shared and another node is live
     */
    public static PostgresCluster join(String self, String address, Database database, ListenConnection listen,
                                       boolean blobsShared) {
        PostgresCluster cluster = new PostgresCluster(self, address, database, listen);
        if (!blobsShared) {
            cluster.refuseBesideOthers();
        }
        cluster.listener.start();
        try {
            if (cluster.firstRoundTrip.await(STALE_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
                Thread.sleep(2 * HEARTBEAT.toMillis());
            } else {
                LOG.warn("cluster: no round trip to the database within {}; serving from the database meanwhile",
                        STALE_AFTER);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cluster;
    }

    /** Refuses to join while another node is live: nodes can share a registry only through shared blobs. */
    private void refuseBesideOthers() {
        Optional<Map.Entry<String, String>> other = database.transaction(nodes::live).entrySet().stream()
                .filter(node -> !node.getKey().equals(self)).findFirst();
        if (other.isPresent()) {
            throw new IllegalStateException("nodes share a registry only with its blobs in an object store "
                    + "(--blob-store s3): this node keeps them in its data directory, and node "
                    + other.get().getKey() + " at " + other.get().getValue() + " uses the same metadata database");
        }
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public Optional<String> addressOf(String node) {
        return node.equals(self) ? Optional.of(address) : Optional.ofNullable(live.get(node));
    }

    @Override
    public boolean cachesCurrent() {
        return confirmed && System.nanoTime() - confirmedAt < STALE_AFTER.toNanos();
    }

    @Override
    public void subscribe(Consumer<CacheChange> forget) {
        subscribers.add(forget);
    }

    @Override
    public void announce(CacheChange change) {
        if (Database.inTransaction()) {
            // The others would read again before this transaction commits, and cache what it is about to change.
            throw new IllegalStateException("a change is announced once it has committed, not inside a transaction");
        }
        long number = sequence.incrementAndGet();
        Set<String> others = database.transaction(c -> {
            Database.queryList(c, "SELECT pg_notify(?, ?)", rs -> null, CHANGES,
                    self + " " + number + " " + change.kind() + " " + change.key());
            return nodes.live(c).keySet();
        }).stream().filter(node -> !node.equals(self)).collect(Collectors.toSet());
        long deadline = System.nanoTime() + STALE_AFTER.toNanos();
        synchronized (acknowledged) {
            for (String node : others) {
                long left;
                while (acknowledged.getOrDefault(node, 0L) < number && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        acknowledged.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    // ---- the listening thread -------------------------------------------------------------------------

    private void listen() {
        while (!closed) {
            try (Connection c = listen.open()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANGES);
                    s.execute("LISTEN " + ACKS);
                }
                // Notifications may have been lost while no connection listened.
                confirmed = false;
                roundTrips(c, c.unwrap(PGConnection.class));
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("cluster: the listening connection failed ({}); caches answer from the store until it is "
                            + "back", e.toString());
                    pause(RECONNECT_PAUSE);
                }
            }
        }
    }

    private void roundTrips(Connection c, PGConnection notifications) throws SQLException {
        while (!closed) {
            long started = System.nanoTime();
            nodes.heartbeat(c, self, address);
            Map<String, String> nowLive = nodes.live(c);
            boolean applied = apply(c, notifications.getNotifications());
            boolean someoneLeft = !nowLive.keySet().containsAll(live.keySet());
            live = Map.copyOf(nowLive);
            if (!applied || !cachesCurrent() || someoneLeft) {
                forgetEverything();
            }
            confirmedAt = started;
            confirmed = true;
            firstRoundTrip.countDown();
            long next = started + HEARTBEAT.toNanos();
            for (long left = next - System.nanoTime(); left > 0 && !closed; left = next - System.nanoTime()) {
                PGNotification[] arrived = notifications.getNotifications((int) Math.max(1, left / 1_000_000));
                if (!apply(c, arrived)) {
                    // Not applied: this node must not trust its caches until a round trip has dropped them all.
                    confirmed = false;
                }
            }
        }
    }

    /** Applies the changes of other nodes and acknowledges them, and records acknowledgements; false if a change failed. */
    private boolean apply(Connection c, PGNotification[] arrived) throws SQLException {
        if (arrived == null) {
            return true;
        }
        boolean applied = true;
        Map<String, Long> toAcknowledge = new HashMap<>();
        for (PGNotification notification : arrived) {
            String[] fields = notification.getParameter().split(" ", 4);
            String origin = fields[0];
            long number = Long.parseLong(fields[1]);
            if (notification.getName().equals(ACKS)) {
                if (origin.equals(self)) {
                    acknowledge(fields[2], number);
                }
            } else if (!origin.equals(self)) {
                CacheChange change = new CacheChange(CacheChange.Kind.valueOf(fields[2]), fields.length > 3 ? fields[3] : "");
                if (tell(change)) {
                    toAcknowledge.merge(origin, number, Math::max);
                } else {
                    applied = false;
                }
            }
        }
        for (Map.Entry<String, Long> ack : toAcknowledge.entrySet()) {
            Database.queryList(c, "SELECT pg_notify(?, ?)", rs -> null, ACKS, ack.getKey() + " " + ack.getValue() + " " + self);
        }
        return applied;
    }

    private void acknowledge(String node, long number) {
        synchronized (acknowledged) {
            acknowledged.merge(node, number, Math::max);
            acknowledged.notifyAll();
        }
    }

    private void forgetEverything() {
        if (!tell(CacheChange.EVERYTHING)) {
            throw new IllegalStateException("the caches could not be dropped");
        }
    }

    private boolean tell(CacheChange change) {
        try {
            subscribers.forEach(forget -> forget.accept(change));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cluster: applying {} failed; the caches answer from the store until they are dropped", change, e);
            return false;
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and leaves: no node waits for this one's acknowledgements any more. */
    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(STALE_AFTER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            database.transaction(c -> {
                nodes.leave(c, self);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("cluster: could not leave ({}); the others stop waiting for this node once its heartbeat is old",
                    e.toString());
        }
    }
}
