package dev.runneragent.runner;

import dev.runneragent.store.Db;
import dev.runneragent.store.NodeConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells the other hub replicas on the same PostgreSQL database what changed in the queue, through
 * {@code LISTEN/NOTIFY}: items were queued (wake your waiting polls) or finished (answer your waiting callers).
 * Notifications sent inside a transaction are delivered when it commits, and only then. Within one process the
 * services wake their own waiters directly; a replica ignores its own notifications.
 *
 * <p>The listening connection also holds a session-level advisory lock that makes one replica the leader: the one
 * that reports the queue gauges, so that an autoscaler does not count the same queue once per replica. On the
 * embedded store there is one process, which is the leader.
 */
@ApplicationScoped
public class HubSignals {

    /** What a replica hears from the others. Called on the listener thread: hand real work on. */
    public interface Subscriber {
        default void queuedElsewhere(Arrival arrival) {}

        default void finishedElsewhere(List<String> itemIds) {}

        /** The listener reconnected: notifications may have been missed, so look at the store again. */
        default void resync() {}
    }

    private static final int MAX_PAYLOAD = 7000; // PostgreSQL allows 8000 bytes
    private static final long LISTEN_TIMEOUT_MS = 500;
    private static final long RECONNECT_DELAY_MS = 1000;
    private static final long CHECK_INTERVAL_NS = 5_000_000_000L;

    private final boolean postgres;
    private final String jdbcUrl;
    private final String replica = UUID.randomUUID().toString().substring(0, 8);
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile String channel = "runner_hub";
    private volatile boolean leader;
    private volatile boolean running;
    private volatile Connection listening;
    private Thread listener;

    @Inject
    public HubSignals(Db db, NodeConfig config) {
        this(db.dialect() == Db.Dialect.POSTGRESQL, config.store().jdbcUrl().orElse(""));
    }

    public HubSignals(boolean postgres, String jdbcUrl) {
        this.postgres = postgres;
        this.jdbcUrl = jdbcUrl;
        this.leader = !postgres;
    }

    public void subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
    }

    /** Whether this replica reports the queue gauges. */
    public boolean leader() {
        return leader;
    }

    public String replica() {
        return replica;
    }

    /** Within {@code c}'s transaction: tells the other replicas that items arrived in the queue. */
    void publishQueued(Connection c, Arrival arrival) throws SQLException {
        if (postgres) {
            notify(c, "q " + arrival.encode());
        }
    }

    /** Within {@code c}'s transaction: tells the other replicas that these items finished. */
    public void publishFinished(Connection c, Collection<String> itemIds) throws SQLException {
        if (!postgres || itemIds.isEmpty()) {
            return;
        }
        StringBuilder chunk = new StringBuilder();
        for (String id : itemIds) {
            if (chunk.length() + id.length() + 1 > MAX_PAYLOAD) {
                notify(c, "f " + chunk);
                chunk.setLength(0);
            }
            chunk.append(chunk.isEmpty() ? "" : ",").append(id);
        }
        notify(c, "f " + chunk);
    }

    private void notify(Connection c, String message) throws SQLException {
        try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, channel);
            notify.setString(2, replica + " " + message);
            notify.execute();
        }
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Starts listening (PostgreSQL only). */
    public synchronized void start() {
        if (!postgres || running) {
            return;
        }
        channel = channelFor(jdbcUrl);
        running = true;
        listener = new Thread(this::listen, "hub-listener");
        listener.setDaemon(true);
        listener.start();
    }

    public synchronized void close() {
        running = false;
        Connection connection = listening;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                Log.debugf("closing the hub's listening connection: %s", e.getMessage());
            }
        }
        if (listener != null) {
            listener.interrupt();
        }
    }

    private void listen() {
        boolean first = true;
        while (running) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
                listening = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                if (!first) {
                    Log.infof("Hub listener reconnected to PostgreSQL on channel %s", channel);
                    subscribers.forEach(Subscriber::resync);
                }
                first = false;
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                leader = false;
                if (running) {
                    Log.warnf(
                            "Hub listener lost PostgreSQL (%s); other replicas' changes are seen again after"
                                    + " reconnecting, in %d ms",
                            e.getMessage(), RECONNECT_DELAY_MS);
                    sleep(RECONNECT_DELAY_MS);
                }
            } finally {
                listening = null;
            }
        }
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (running) {
            if (System.nanoTime() - lastCheck > CHECK_INTERVAL_NS) {
                // Waiting for notifications never writes to the socket: a connection that died silently (a
                // failover, a half-open TCP connection) shows only when something is sent.
                try (Statement check = connection.createStatement()) {
                    check.execute("SELECT 1");
                }
                lastCheck = System.nanoTime();
            }
            if (!leader) {
                leader = tryLeadership(connection);
                if (leader) {
                    Log.infof("This replica (%s) now reports the hub's queue gauges", replica);
                }
            }
            PGNotification[] notifications = pg.getNotifications((int) LISTEN_TIMEOUT_MS);
            if (notifications == null) {
                continue;
            }
            for (PGNotification notification : notifications) {
                dispatch(notification.getParameter());
            }
        }
    }

    private boolean tryLeadership(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            lock.setString(1, channel);
            try (ResultSet rows = lock.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private void dispatch(String payload) {
        String[] parts = payload.split(" ", 3);
        if (parts.length < 3 || parts[0].equals(replica)) {
            return;
        }
        try {
            if (parts[1].equals("q")) {
                Arrival arrival = Arrival.decode(parts[2]);
                if (arrival != null) {
                    subscribers.forEach(s -> s.queuedElsewhere(arrival));
                }
            } else if (parts[1].equals("f")) {
                List<String> itemIds = new ArrayList<>(Arrays.asList(parts[2].split(",")));
                subscribers.forEach(s -> s.finishedElsewhere(itemIds));
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "Hub listener: a subscriber failed on '%s'", payload);
        }
    }

    /**
     * One channel per database schema, so that hubs in different schemas of one database (tests) do not hear each
     * other. Channel names are identifiers of at most 63 characters.
     */
    static String channelFor(String jdbcUrl) {
        java.util.regex.Matcher schema =
                java.util.regex.Pattern.compile("[?&]currentSchema=([^&]+)").matcher(jdbcUrl);
        String name = schema.find() ? schema.group(1).toLowerCase(java.util.Locale.ROOT) : "public";
        name = name.replaceAll("[^a-z0-9_]", "_");
        return ("runner_hub_" + name).substring(0, Math.min(63, 11 + name.length()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
