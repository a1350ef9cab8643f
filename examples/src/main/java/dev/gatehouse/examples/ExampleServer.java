package dev.gatehouse.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyService;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.examples.internal.ApiKeyApi;
import dev.gatehouse.examples.internal.DataDir;
import dev.gatehouse.examples.internal.DemoDirectory;
import dev.gatehouse.examples.internal.OrgApi;
import dev.gatehouse.examples.internal.Orgs;
import dev.gatehouse.examples.internal.ProcessApi;
import dev.gatehouse.examples.internal.ProjectRepositories;
import dev.gatehouse.examples.internal.RepositoryApi;
import dev.gatehouse.examples.internal.RepositoryCheckouts;
import dev.gatehouse.examples.internal.Router;
import dev.gatehouse.examples.internal.SecretApi;
import dev.gatehouse.examples.internal.Settings;
import dev.gatehouse.examples.internal.UserApi;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretsConfig;
import dev.gatehouse.secrets.git.GitSecrets;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.ProcessStore;
import dev.gatehouse.session.SessionTokens;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
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
 * users ({@code myuser:mypwd}).
 */
public final class ExampleServer implements AutoCloseable {

    /** The admin user that the admin API key belongs to. */
    public static final String ADMIN_USERNAME = "admin";
    private static final String ADMIN_KEY_NAME = "admin";
    private static final String ADMIN_KEY_FILE = "admin-api-key";

    private final Server jetty;
    private final Gatehouse gatehouse;
    private final HikariDataSource db;
    private final DemoDirectory demo;
    private final DataDir dataDir;
    private final String adminApiKey;

    private ExampleServer(Server jetty, Gatehouse gatehouse, HikariDataSource db, DemoDirectory demo, DataDir dataDir,
            String adminApiKey) {
        this.jetty = jetty;
        this.gatehouse = gatehouse;
        this.db = db;
        this.demo = demo;
        this.dataDir = dataDir;
        this.adminApiKey = adminApiKey;
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
        System.out.println("Gatehouse example server on http://localhost:" + server.port()
                + " (data in " + server.dataDir.root() + ")");
        server.jetty.join();
    }

    /** Starts a server with {@code settings}; {@code server.port=0} picks a free port. */
    public static ExampleServer start(Settings settings) throws Exception {
        DataDir dataDir = new DataDir(Path.of(settings.get("server.dataDir", "data")));
        HikariDataSource db = dataSource(settings, dataDir);
        dataDir.restrictFilesToOwner(); // the H2 files the pool just created
        DemoDirectory demo = null;
        Gatehouse gatehouse = null;
        try {
            Clock clock = Clock.systemUTC();
            SchemaMigrations.applyCore(db);
            UserDirectory users = UserDirectory.jdbc(db, clock);
            Orgs orgs = new Orgs(db);

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
            ProcessStore processes = ProcessStore.builder().jdbc(db);
            gatehouse = Gatehouse.builder()
                    .users(users)
                    .clock(clock)
                    .environment(settings.env()::get)
                    .service(DataSource.class, db)
                    .service(ProcessRegistry.class, processes)
                    .properties(gh)
                    .build();

            SecretManager secrets = secrets(settings, dataDir, db);
            Function<Identity, Caller> callers = identity -> Caller.of(identity, orgs.orgsOf(identity.userId()), Set.of());

            Router router = new Router();
            router.route("GET", "/api/v1/server/ping", call -> Router.JSON.createObjectNode().put("ok", true));
            Optional<ApiKeyRealm> apiKeys = ApiKeyRealm.in(gatehouse);
            new UserApi(users, id -> apiKeys.ifPresent(realm -> realm.invalidateUser(id))).register(router);
            OrgApi orgApi = new OrgApi(orgs, secrets.encryptedStrings());
            orgApi.register(router);
            ProjectRepositories repositories = ProjectRepositories.open(db);
            new RepositoryApi(repositories, orgApi).register(router);
            RepositoryCheckouts checkouts = new RepositoryCheckouts(repositories, GitSecrets.using(secrets),
                    RepositoryCheckouts.knownHosts(settings));
            new SecretApi(secrets, orgs, callers).register(router);
            String adminKey = null;
            if (apiKeys.isPresent()) {
                new ApiKeyApi(apiKeys.get().keys(), users).register(router);
                adminKey = adminApiKey(settings, dataDir, users, apiKeys.get().keys());
            }
            if (realms.contains("session")) {
                new ProcessApi(db, processes, SessionTokens.of(gatehouse), secrets, orgs, orgApi, users, callers,
                        dataDir.root().resolve("processes"), checkouts).register(router);
            }

            Server jetty = jetty(settings.getInt("server.port", 8001), gatehouse, router, dataDir);
            return new ExampleServer(jetty, gatehouse, db, demo, dataDir, adminKey);
        } catch (Exception | Error e) {
            if (gatehouse != null) {
                gatehouse.close();
            }
            if (demo != null) {
                demo.close();
            }
            db.close();
            throw e;
        }
    }

    private static HikariDataSource dataSource(Settings settings, DataDir dataDir) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.get("db.url", "jdbc:h2:file:" + dataDir.root().resolve("gatehouse") + ";DB_CLOSE_ON_EXIT=FALSE"));
        settings.get("db.username").ifPresent(config::setUsername);
        settings.get("db.password").ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.getInt("db.maxPoolSize", 10));
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
        Map<String, String> s = new HashMap<>();
        for (String key : settings.properties().stringPropertyNames()) {
            if (key.startsWith("secrets.")) {
                s.put(key, settings.properties().getProperty(key));
            }
        }
        if (s.keySet().stream().noneMatch(k -> k.startsWith("secrets.serverKey."))) {
            s.put("secrets.serverKey.local", dataDir.key("server.key", 32));
        }
        s.putIfAbsent("secrets.store.type", "jdbc");
        SecretsConfig config = SecretsConfig.from(s, settings.env()::get);
        return SecretManager.builder().config(config).store(config.openStore(Map.of(DataSource.class, db))).build();
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

    private static Server jetty(int port, Gatehouse gatehouse, Router router, DataDir dataDir) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse)
                        .mode(AuthenticationMode.REQUIRED)
                        .exclude("/api/v1/server/ping")
                        .build()),
                "/api/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder api = new ServletHolder(router);
        api.getRegistration().setMultipartConfig(new MultipartConfigElement(
                dataDir.root().resolve("uploads").toString(), 2L * 1024 * 1024, 3L * 1024 * 1024, 64 * 1024));
        context.addServlet(api, "/api/*");
        server.setHandler(context);
        server.start();
        return server;
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
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        gatehouse.close();
        if (demo != null) {
            demo.close();
        }
        db.close();
    }
}
