package dev.gatehouse.apikey.testing;

import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server of a test's own: {@code initdb} into a temporary folder, {@code pg_ctl start}
 * on a free loopback port, and {@link #kill()} (SIGKILL to the postmaster and every process it
 * started) and {@link #restart()} (crash recovery) whenever the test says, so that a test can take
 * a database away without touching the shared server on 5432 or other tests.
 *
 * <p>The binaries are taken from {@code GATEHOUSE_PG_BIN} or {@code /usr/lib/postgresql/15/bin}.
 * When the JVM runs as root, every PostgreSQL command runs as the OS user {@code postgres} (through
 * {@code runuser -u postgres --}), since PostgreSQL refuses to run as root; otherwise as the
 * current user. If the binaries or that user are missing, the calling test is skipped (failed when
 * {@code CI=true}) through {@link Services#unavailable}.
 *
 * <p>Where the container's PID 1 does not reap orphans, killed server processes stay behind as
 * zombies (no memory, no sockets) until the container ends; they do not stop a restart.
 *
 * <p>The server runs with {@code fsync=off}: a process kill loses nothing that was written to the
 * kernel, and a commit is written there before it is acknowledged ({@code synchronous_commit} stays
 * on), so a kill tests exactly what it would with fsync on, without flushing the disk on every
 * commit. It is not a test of an OS crash. Authentication is {@code trust} for user
 * {@code postgres}, database {@code postgres}.
 *
 * <p>Not specific to any module: meant to move to core's test jar
 * ({@code dev.gatehouse.core.testing}) as it is. Thread-safe; {@link #close()} kills the server and
 * deletes its folder (a shutdown hook does so too if a test forgets).
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final Path DEFAULT_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path base;
    private final Path data;
    private final Path log;
    private final boolean asPostgresUser;
    private final int port;
    private final Thread shutdownHook;
    private boolean running;

    private PrivatePostgres(Path bin, Path base, boolean asPostgresUser, int port) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.log = base.resolve("server.log");
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.shutdownHook = new Thread(this::destroy, "private-postgres-cleanup");
    }

    /**
     * Creates and starts a new server, or skips the calling test (fails it in CI) if PostgreSQL's
     * binaries cannot run here.
     */
    public static PrivatePostgres start() {
        Path bin = Optional.ofNullable(System.getenv("GATEHOUSE_PG_BIN")).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(DEFAULT_BIN);
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            Services.unavailable("PostgreSQL binaries (initdb, pg_ctl) in " + bin, "not found; set GATEHOUSE_PG_BIN");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path base;
        try {
            base = Files.createTempDirectory("gatehouse-pg-");
            if (root) {
                UserPrincipalLookupService lookup = base.getFileSystem().getUserPrincipalLookupService();
                UserPrincipal postgres;
                try {
                    postgres = lookup.lookupPrincipalByName("postgres");
                } catch (IOException e) {
                    deleteTree(base);
                    Services.unavailable("OS user postgres (PostgreSQL refuses to run as root)", e.toString());
                    throw new IllegalStateException("unreachable");
                }
                Files.setOwner(base, postgres);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for a private PostgreSQL", e);
        }
        PrivatePostgres pg = new PrivatePostgres(bin, base, root, freePort());
        try {
            pg.initdb();
            pg.startServer();
        } catch (RuntimeException e) {
            String serverLog = pg.serverLog();
            pg.destroy();
            Services.unavailable("a private PostgreSQL from " + bin, e.getMessage() + "\n" + serverLog);
        }
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        return pg;
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}, user {@code postgres}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The user to connect as. */
    public String user() {
        return "postgres";
    }

    /**
     * A fresh, unpooled data source on this server: each {@code getConnection} opens a connection
     * (within 2 s or fails), so after {@link #restart()} the next call works again without any pool
     * to heal.
     */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        ds.setConnectTimeout(2);
        ds.setSocketTimeout(30);
        return ds;
    }

    /** Whether the server was started and not killed since. */
    public synchronized boolean isRunning() {
        return running;
    }

    /**
     * Kills the server as a crash would: SIGSTOP to the postmaster (so it starts nothing more),
     * then SIGKILL to every process it started and to itself, and waits until they are gone. Open
     * connections break at once; nothing is shut down cleanly. Does nothing if it is not running.
     */
    public synchronized void kill() {
        if (!running) {
            return;
        }
        running = false;
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle pm = postmaster.get();
        signal(pm.pid(), "STOP");
        List<ProcessHandle> all = new ArrayList<>(pm.descendants().toList());
        all.add(pm);
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ProcessHandle p : all) {
            while (!isGone(p)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL process " + p.pid() + " did not die after SIGKILL");
                }
                sleep(10);
            }
        }
        waitUntilPortIsClosed();
        // Where PID 1 does not reap orphans (some containers), the killed processes stay zombies:
        // they hold no socket and no memory, but the postmaster's would make the next start refuse
        // its stale lock files. Every process of the server is gone, so the lock files can go too.
        try {
            Files.deleteIfExists(data.resolve("postmaster.pid"));
            Files.deleteIfExists(base.resolve(".s.PGSQL." + port + ".lock"));
            Files.deleteIfExists(base.resolve(".s.PGSQL." + port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale lock file of " + data, e);
        }
    }

    /**
     * Starts the server again after {@link #kill()} (it recovers from its write-ahead log) and
     * returns once it accepts connections.
     *
     * @throws IllegalStateException if it is running or does not come up
     */
    public synchronized void restart() {
        if (running) {
            throw new IllegalStateException("private PostgreSQL on port " + port + " is running");
        }
        startServer();
    }

    /** The server's log so far, for a failing test's message. */
    public String serverLog() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the server and deletes its folder. */
    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran destroy() itself
        }
    }

    @Override
    public String toString() {
        return "PrivatePostgres[127.0.0.1:" + port + ", " + data + "]";
    }

    private synchronized void destroy() {
        try {
            running = running || postmasterPid().flatMap(ProcessHandle::of).isPresent();
            kill();
        } finally {
            deleteTree(base);
        }
    }

    private void initdb() {
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync"));
        String conf = "\n# private instance of a Gatehouse test\n"
                + "port = " + port + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + base + "'\n"
                + "fsync = off\n"
                + "max_connections = 100\n";
        try {
            Files.writeString(data.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure " + data, e);
        }
    }

    private void startServer() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t",
                    "60", "start"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + serverLog(), e);
        }
        running = true;
        waitUntilAccepting();
    }

    private void waitUntilAccepting() {
        DataSource ds = dataSource();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = ds.getConnection()) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("private PostgreSQL on port " + port + " does not accept "
                            + "connections: " + e.getMessage() + "\n" + serverLog(), e);
                }
            }
            sleep(50);
        }
    }

    private void waitUntilPortIsClosed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            } catch (IOException refused) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("port " + port + " still accepts connections after the kill");
    }

    private Optional<Long> postmasterPid() {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Dead, or a zombie that nobody reaped yet (it holds no socket and no shared memory). */
    private static boolean isGone(ProcessHandle p) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"), StandardCharsets.US_ASCII);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | IndexOutOfBoundsException e) {
            return true;
        }
    }

    private static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs a PostgreSQL command (as the OS user postgres when this JVM is root). */
    private void run(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).start();
            // pg_ctl leaves the server attached to nothing of ours: its output goes to the log file.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + COMMAND_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort: a temporary folder
        }
    }
}
