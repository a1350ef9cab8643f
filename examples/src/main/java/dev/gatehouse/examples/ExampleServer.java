package dev.gatehouse.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyService;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.apikey.ApiKeyPermissions;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.examples.internal.Audit;
import dev.gatehouse.examples.internal.AuditApi;
import dev.gatehouse.examples.internal.AuditedSecretManager;
import dev.gatehouse.examples.internal.Scopes;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.ldap.LdapRealm;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.examples.internal.ApiKeyApi;
import dev.gatehouse.examples.internal.DataDir;
import dev.gatehouse.examples.internal.DemoDirectory;
import dev.gatehouse.examples.internal.JsonErrors;
import dev.gatehouse.examples.internal.DirectorySyncApi;
import dev.gatehouse.examples.internal.KeyRingApi;
import dev.gatehouse.examples.internal.OrgApi;
import dev.gatehouse.examples.internal.Orgs;
import dev.gatehouse.examples.internal.ProcessApi;
import dev.gatehouse.examples.internal.Processes;
import dev.gatehouse.examples.internal.ProjectRepositories;
import dev.gatehouse.examples.internal.RepositoryApi;
import dev.gatehouse.examples.internal.RepositoryCheckouts;
import dev.gatehouse.examples.internal.Router;
import dev.gatehouse.examples.internal.SecretApi;
import dev.gatehouse.examples.internal.Settings;
import dev.gatehouse.examples.internal.UserApi;
import dev.gatehouse.examples.internal.WebConsole;
import dev.gatehouse.examples.internal.concord.SealedConcordSecrets;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretsConfig;
import dev.gatehouse.secrets.git.GitSecrets;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.SessionRealm;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A host server that embeds all of Gatehouse: Jetty 12 with the authentication filter in front of
 * {@code /api/*}, the API-key, LDAP and session-token realms, the secrets module, and a
 * Concord-style v1 API. On embedded defaults it needs nothing else: an H2 database, the server
 * and session keys are created under {@code ./data}, and an in-process LDAP directory holds demo
 * users ({@code myuser:mypwd}). It listens on {@code 127.0.0.1} unless {@code server.host} says
 * otherwise, since the demo users' passwords are public.
 */
public final class ExampleServer implements AutoCloseable {

    /** The admin user that the admin API key belongs to. */
    public static final String ADMIN_USERNAME = "admin";
    /** The address the server listens on unless {@code server.host} names another. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    private static final String ADMIN_KEY_NAME = "admin";
    private static final String ADMIN_KEY_FILE = "admin-api-key";
    private static final Duration DEFAULT_DB_TIMEOUT = Duration.ofSeconds(5);
    /** The largest upload part; within it, parts stay in memory (never in a temporary file). */
    private static final long MAX_UPLOAD_PART = 2L * 1024 * 1024;
    private static final long MAX_UPLOAD_REQUEST = 3L * 1024 * 1024;
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final Server jetty;
    private final Gatehouse gatehouse;
    private final HikariDataSource db;
    private final DemoDirectory demo;
    private final DataDir dataDir;
    private final String adminApiKey;
    private final ScheduledExecutorService sweeper;
    private final SecretManager secrets;
    private final AuditTrail audit;
    private final ScheduledExecutorService maintenance;

    private ExampleServer(Server jetty, Gatehouse gatehouse, HikariDataSource db, DemoDirectory demo, DataDir dataDir,
            String adminApiKey, ScheduledExecutorService sweeper, SecretManager secrets, AuditTrail audit,
            ScheduledExecutorService maintenance) {
        this.audit = audit;
        this.maintenance = maintenance;
        this.secrets = secrets;
        this.jetty = jetty;
        this.gatehouse = gatehouse;
        this.db = db;
        this.demo = demo;
        this.dataDir = dataDir;
        this.adminApiKey = adminApiKey;
        this.sweeper = sweeper;
    }

    /**
     * Runs the server until it is stopped. Configuration comes from {@code --config FILE}, else
     * from the file named by {@code GATEHOUSE_CONFIG}, else from the built-in defaults.
     */
    public static void main(String[] args) throws Exception {
        Optional<Path> config = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Optional.of(Path.of(args[++i]));
            } else {
                System.err.println("usage: ExampleServer [--config FILE]");
                System.exit(2);
            }
        }
        if (config.isEmpty() && System.getenv("GATEHOUSE_CONFIG") != null) {
            config = Optional.of(Path.of(System.getenv("GATEHOUSE_CONFIG")));
        }
        ExampleServer server;
        try {
            server = start(Settings.load(config, System.getenv()));
        } catch (ConfigurationException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gatehouse-shutdown"));
        System.out.println(server.banner());
        server.jetty.join();
    }

    /** What the server prints when it has started: where it listens, and how to listen elsewhere. */
    public String banner() {
        ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
        String host = connector.getHost();
        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
        String where = "Gatehouse example server on " + base + " (data in " + dataDir.root() + ")\nWeb console: " + base
                + "/console/";
        if (isLoopback(host)) {
            return where + "\nListening on this machine only; to accept connections from elsewhere, set "
                    + "server.host (e.g. server.host=0.0.0.0) and replace the demo directory, whose passwords are public.";
        }
        return where;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** Starts a server with {@code settings}; {@code server.port=0} picks a free port. */
    public static ExampleServer start(Settings settings) throws Exception {
        return start(settings, UnaryOperator.identity());
    }

    /**
     * Starts a server whose every database call goes through {@code decorate(pool)}: for tests
     * that inject faults, and hosts that instrument the pool.
     */
    static ExampleServer start(Settings settings, UnaryOperator<DataSource> decorate) throws Exception {
        DataDir dataDir = new DataDir(Path.of(settings.get("server.dataDir", "data")));
        String host = settings.get("server.host", DEFAULT_HOST);
        int port = settings.getInt("server.port", 8001);
        HikariDataSource pool = dataSource(settings, dataDir);
        dataDir.restrictFilesToOwner(); // the H2 files the pool just created
        DemoDirectory demo = null;
        Gatehouse gatehouse = null;
        ScheduledExecutorService sweeper = null;
        SecretManager secrets = null;
        AuditTrail audit = null;
        ScheduledExecutorService maintenance = null;
        try {
            DataSource db = decorate.apply(pool);
            Clock clock = Clock.systemUTC();
            for (String component : List.of("core", "examples", "audit", SealedConcordSecrets.COMPONENT)) {
                SchemaMigrations.apply(db, component); // once at start-up, never per request
            }
            audit = auditTrail(settings, db, clock);
            UserDirectory users = UserDirectory.jdbc(db, clock);
            Orgs orgs = new Orgs(db);
            orgs.ensureDefaultOrg();

            Properties gh = gatehouseProperties(settings);
            List<String> realms = List.of(gh.getProperty("gatehouse.realms").split("\\s*,\\s*"));
            if (realms.contains("ldap") && gh.getProperty("realm.ldap.url") == null) {
                demo = DemoDirectory.start(dataDir.key("demo-ldap-password", 24));
                gh.setProperty("realm.ldap.url", demo.url());
                gh.setProperty("realm.ldap.searchBase", "ou=people," + DemoDirectory.BASE_DN);
                gh.setProperty("realm.ldap.systemUsername", DemoDirectory.SYSTEM_DN);
                gh.setProperty("realm.ldap.systemPassword", demo.systemPassword());
                gh.setProperty("realm.ldap.roleMapping.admins", "admin");
            }
            if (realms.contains("session") && gh.stringPropertyNames().stream().noneMatch(k -> k.startsWith("realm.session.keys."))) {
                gh.setProperty("realm.session.keys.local", dataDir.key("session.key", 32));
            }
            Processes processes = new Processes(db, clock);
            // Logins worth recording one by one: every realm's failures, and the successes of the
            // realms whose every request is a login (not API keys or session tokens).
            Set<String> loginRealms = new HashSet<>(realms);
            loginRealms.removeAll(Set.of("apikey", "session"));
            gatehouse = Gatehouse.builder()
                    .service(AuditTrail.class, audit)
                    .service(ApiKeyPermissions.class, new Scopes())
                    .listener(AuditTrail.listener(audit, loginRealms, AuthenticationListener.logging()))
                    .users(users)
                    .clock(clock)
                    .environment(settings.env()::get)
                    .service(DataSource.class, db)
                    .service(ProcessRegistry.class, processes)
                    .properties(gh)
                    .build();

            Audit auditLog = new Audit(audit);
            secrets = new AuditedSecretManager(secrets(settings, dataDir, db), auditLog);
            Function<Identity, Caller> callers = identity -> Caller.of(identity, orgs.orgsOf(identity.userId()), Set.of());

            Router router = new Router();
            router.route("GET", "/api/v1/server/ping", call -> Router.JSON.createObjectNode().put("ok", true));
            Optional<ApiKeyRealm> apiKeys = gatehouse.realm(ApiKeyRealm.class);
            new UserApi(users, auditLog).register(router); // the directory tells every realm's cache of a change
            new AuditApi(audit).register(router);
            OrgApi orgApi = new OrgApi(orgs, secrets.encryptedStrings());
            orgApi.register(router);
            ProjectRepositories repositories = ProjectRepositories.open(db);
            new RepositoryApi(repositories, orgApi).register(router);
            RepositoryCheckouts checkouts = new RepositoryCheckouts(repositories, GitSecrets.using(secrets),
                    RepositoryCheckouts.knownHosts(settings));
            new SecretApi(secrets, orgs, callers, new SealedConcordSecrets(db)).register(router);
            new KeyRingApi(secrets).register(router);
            new DirectorySyncApi(gatehouse.realms().stream().filter(LdapRealm.class::isInstance)
                    .map(LdapRealm.class::cast).toList()).register(router);
            String adminKey = null;
            if (apiKeys.isPresent()) {
                new ApiKeyApi(apiKeys.get().keys(), users).register(router);
                adminKey = adminApiKey(settings, dataDir, users, apiKeys.get().keys());
                // Expired keys are deleted (and each expiry audited) once a minute.
                ApiKeyService keyService = apiKeys.get().keys();
                Duration sweep = settings.getDuration("server.expiredKeySweep", Duration.ofMinutes(1));
                maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "gatehouse-example-expired-keys");
                    t.setDaemon(true);
                    return t;
                });
                maintenance.scheduleWithFixedDelay(() -> {
                    try {
                        keyService.deleteExpired();
                    } catch (RuntimeException e) {
                        // the store is away: next time
                    }
                }, sweep.toMillis(), sweep.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (realms.contains("session")) {
                ProcessApi processApi = new ProcessApi(processes, gatehouse.realm(SessionRealm.class).orElseThrow().tokens(), secrets, orgs, orgApi,
                        users, callers, dataDir.root().resolve("processes"), checkouts);
                processApi.register(router);
                sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "gatehouse-example-work-folder-sweeper");
                    t.setDaemon(true);
                    return t;
                });
                processApi.sweepWorkFolders();
                sweeper.scheduleWithFixedDelay(processApi::sweepWorkFolders, SWEEP_EVERY.toSeconds(),
                        SWEEP_EVERY.toSeconds(), TimeUnit.SECONDS);
            }

            List<String> filters = settings.get("server.filters").map(v -> List.of(v.split("\\s*,\\s*")))
                    .orElse(List.of());
            Server jetty = jetty(host, port, filters, gatehouse, router, dataDir);
            return new ExampleServer(jetty, gatehouse, pool, demo, dataDir, adminKey, sweeper, secrets, audit,
                    maintenance);
        } catch (Exception | Error e) {
            if (maintenance != null) {
                maintenance.shutdownNow();
            }
            if (audit != null) {
                audit.close();
            }
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
            if (secrets != null) {
                secrets.close();
            }
            if (gatehouse != null) {
                gatehouse.close();
            }
            if (demo != null) {
                demo.close();
            }
            pool.close();
            throw e;
        }
    }

    /**
     * The pool fails fast: a connection is waited for at most {@code db.connectionTimeout} (5 s),
     * and on PostgreSQL no statement runs and no socket read blocks longer than
     * {@code db.queryTimeout} (5 s), so that an outage is answered 503 within seconds instead of
     * holding a request thread.
     */
    static HikariDataSource dataSource(Settings settings, DataDir dataDir) {
        HikariConfig config = new HikariConfig();
        String url = settings.get("db.url", "jdbc:h2:file:" + dataDir.root().resolve("gatehouse") + ";DB_CLOSE_ON_EXIT=FALSE");
        config.setJdbcUrl(url);
        settings.get("db.username").ifPresent(config::setUsername);
        settings.get("db.password").ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.getInt("db.maxPoolSize", 10));
        Duration connectionTimeout = settings.getDuration("db.connectionTimeout", DEFAULT_DB_TIMEOUT);
        if (connectionTimeout.toMillis() < 250) {
            throw new ConfigurationException("db.connectionTimeout: must be at least 250ms, was " + connectionTimeout);
        }
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(connectionTimeout.toMillis(), DEFAULT_DB_TIMEOUT.toMillis()));
        Duration queryTimeout = settings.getDuration("db.queryTimeout", DEFAULT_DB_TIMEOUT);
        if (url.startsWith("jdbc:postgresql:")) {
            long seconds = Math.max(1, (queryTimeout.toMillis() + 999) / 1000); // the driver counts whole seconds
            config.addDataSourceProperty("socketTimeout", Long.toString(seconds));
            config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
            config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
            // Without this the driver quotes bound parameters (digests, envelopes, names) in its
            // exception messages, which the pool logs when it marks a connection broken.
            config.addDataSourceProperty("logServerErrorDetail", "false");
            if (!url.contains("options=")) {
                config.addDataSourceProperty("options", "-c statement_timeout=" + queryTimeout.toMillis());
            }
        }
        config.setPoolName("gatehouse-example");
        return new HikariDataSource(config);
    }

    /** {@code gatehouse.*} and {@code realm.*} as given, {@code session.*} as {@code realm.session.*}, and defaults. */
    private static Properties gatehouseProperties(Settings settings) {
        Properties gh = new Properties();
        for (String key : settings.properties().stringPropertyNames()) {
            String value = settings.properties().getProperty(key);
            if (key.startsWith("gatehouse.") || key.startsWith("realm.")) {
                gh.setProperty(key, value);
            } else if (key.startsWith("session.")) {
                String mapped = "realm.session." + key.substring("session.".length());
                if (settings.properties().containsKey(mapped)) {
                    throw new ConfigurationException(key + ": set either " + key + " or " + mapped + ", not both");
                }
                gh.setProperty(mapped, value);
            }
        }
        gh.putIfAbsent("gatehouse.realms", "apikey,ldap,session");
        return gh;
    }

    private static SecretManager secrets(Settings settings, DataDir dataDir, DataSource db) {
        return secrets(settings, dataDir, db, UnaryOperator.identity());
    }

    /** The secret manager of these settings, its store passed through {@code decorate} (the Concord dry run's overlay). */
    static SecretManager secrets(Settings settings, DataDir dataDir, DataSource db, UnaryOperator<SecretStore> decorate) {
        Properties s = new Properties();
        for (String key : settings.properties().stringPropertyNames()) {
            if (key.startsWith("secrets.")) {
                s.setProperty(key, settings.properties().getProperty(key));
            }
        }
        if (s.stringPropertyNames().stream().noneMatch(k -> k.startsWith("secrets.serverKey."))) {
            s.setProperty("secrets.serverKey.local", dataDir.key("server.key", 32));
        }
        s.putIfAbsent("secrets.store", "jdbc");
        // A stable node id, so that a restarted node replaces its own entry in the key ring.
        s.putIfAbsent("secrets.nodeId", dataDir.readOrCreate("node-id", () -> "node-" + UUID.randomUUID()));
        SecretsConfig config = SecretsConfig.from(s, settings.env()::get);
        return SecretManager.builder().config(config).store(decorate.apply(config.openStore(Map.of(DataSource.class, db)))).build();
    }

    /**
     * The admin user's API key: {@code GATEHOUSE_ADMIN_API_KEY} or {@code admin.apiKey} if given,
     * else the one generated on first start, printed once and kept owner-only in
     * {@code <dataDir>/admin-api-key}.
     */
    private static String adminApiKey(Settings settings, DataDir dataDir, UserDirectory users, ApiKeyService keys) {
        User admin = users.findOrCreate(NewUser.of(ADMIN_USERNAME, UserType.LOCAL).withDisplayName("Administrator")
                .withRoles(Set.of("admin")));
        if (!admin.roles().contains("admin")) {
            Set<String> roles = new HashSet<>(admin.roles());
            roles.add("admin");
            users.setRoles(admin.id(), roles);
        }
        Identity bootstrap = Identity.builder(admin.id(), admin.username(), "bootstrap").roles(Set.of("admin")).build();
        Optional<String> configured = Optional.ofNullable(settings.env().get("GATEHOUSE_ADMIN_API_KEY"))
                .filter(s -> !s.isBlank()).or(() -> settings.get("admin.apiKey"));
        if (configured.isEmpty() && dataDir.exists(ADMIN_KEY_FILE)) {
            configured = Optional.of(dataDir.readOrCreate(ADMIN_KEY_FILE, () -> ""));
        }
        List<ApiKey> existing = keys.list(bootstrap, admin.id()).stream().filter(k -> k.name().equals(ADMIN_KEY_NAME)).toList();
        if (configured.isPresent()) {
            String wanted = configured.get();
            if (keys.verify(wanted) instanceof AuthenticationResult.Authenticated a && a.identity().userId().equals(admin.id())) {
                return wanted;
            }
            existing.forEach(k -> keys.revoke(bootstrap, k.id())); // the configuration names another key now
            return keys.create(bootstrap, NewApiKey.forUser(admin.id()).withName(ADMIN_KEY_NAME).withValue(wanted)).revealKey();
        }
        if (!existing.isEmpty()) {
            // Another instance sharing this database generated it: it is in that instance's data folder.
            System.out.println("The admin API key was generated by another instance sharing this database; "
                    + "copy its " + ADMIN_KEY_FILE + " file here or set GATEHOUSE_ADMIN_API_KEY.");
            return null;
        }
        String key = keys.create(bootstrap, NewApiKey.forUser(admin.id()).withName(ADMIN_KEY_NAME)).revealKey();
        dataDir.readOrCreate(ADMIN_KEY_FILE, () -> key);
        System.out.println("Admin API key (shown once; also in " + dataDir.root().resolve(ADMIN_KEY_FILE) + "): " + key);
        return key;
    }

    /**
     * Jetty on {@code host:port}: {@code filters} (servlet filter class names, e.g. a realm
     * plugin's request filter), then Gatehouse's filter, in front of the API.
     */
    private static Server jetty(String host, int port, List<String> filters, Gatehouse gatehouse, Router router,
            DataDir dataDir) throws Exception {
        Server server = new Server();
        server.setErrorHandler(JsonErrors.server());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        WebConsole.mount(context); // /console/, and cross-site form posts refused before authentication
        context.setErrorHandler(JsonErrors.context());
        for (String filter : filters) {
            try {
                Class.forName(filter, false, ExampleServer.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ConfigurationException("server.filters: no class " + filter + " on the class path");
            }
            context.addFilter(filter, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse)
                        .mode(AuthenticationMode.REQUIRED)
                        .exclude("/api/v1/server/ping")
                        .build()),
                "/api/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder api = new ServletHolder(router);
        // A part within the size limit stays in memory (fileSizeThreshold = the limit): a secret's
        // plaintext is never written to a temporary file. The folder is owner-only all the same.
        api.getRegistration().setMultipartConfig(new MultipartConfigElement(uploads(dataDir).toString(),
                MAX_UPLOAD_PART, MAX_UPLOAD_REQUEST, (int) MAX_UPLOAD_PART));
        context.addServlet(api, "/api/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    private static Path uploads(DataDir dataDir) {
        Path dir = dataDir.root().resolve("uploads");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    /** The folder upload parts would be written to if one ever exceeded the in-memory threshold. */
    Path uploadFolder() {
        return dataDir.root().resolve("uploads");
    }

    /** The in-process demo directory's URL, if this server runs one. */
    Optional<String> demoDirectoryUrl() {
        return Optional.ofNullable(demo).map(DemoDirectory::url);
    }

    /** The port the server listens on. */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The admin user's API key, if the API-key realm is enabled. */
    public Optional<String> adminApiKey() {
        return Optional.ofNullable(adminApiKey);
    }

    /** The engine, for tests. */
    public Gatehouse gatehouse() {
        return gatehouse;
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        secrets.close(); // leaves the key ring at once, so a rotation does not wait for this node
        gatehouse.close();
        audit.close(); // writes what is still queued
        if (demo != null) {
            demo.close();
        }
        db.close();
    }

    /** The audit trail, for tests. */
    public AuditTrail auditTrail() {
        return audit;
    }

    /**
     * The audit trail: {@code audit.enabled} (default true) in table {@code gh_audit_events},
     * events older than {@code audit.retention} (default {@code P90D}) purged every
     * {@code audit.purgeInterval} (default 1 h).
     */
    private static AuditTrail auditTrail(Settings settings, DataSource db, Clock clock) {
        String enabled = settings.get("audit.enabled", "true");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigurationException("audit.enabled: expected true or false, was '" + enabled + "'");
        }
        if (enabled.equals("false")) {
            return AuditTrail.disabled();
        }
        try {
            return AuditTrail.jdbc(db).clock(clock)
                    .retention(settings.getDuration("audit.retention", Duration.ofDays(90)))
                    .purgeInterval(settings.getDuration("audit.purgeInterval", Duration.ofHours(1)))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("audit." + e.getMessage());
        }
    }
}
