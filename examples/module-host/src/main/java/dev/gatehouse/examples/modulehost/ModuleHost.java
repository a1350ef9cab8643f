package dev.gatehouse.examples.modulehost;

import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfig;
import dev.gatehouse.session.ProcessStore;
import dev.gatehouse.session.SessionRealm;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Builds a Gatehouse with the JDBC stores on an in-memory H2 database, applies every schema,
 * issues an API key and a session token and authenticates a request with each, and stores and
 * reads back a secret. Prints {@code module-host: OK} and exits 0 when all of it worked; any
 * failure is an exception and a non-zero exit.
 */
public final class ModuleHost {

    private ModuleHost() {}

    public static void main(String[] args) throws Exception {
        if (ModuleHost.class.getModule().getName() == null) {
            throw new IllegalStateException("ModuleHost must run as a named module (java --module-path ...)");
        }
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:module-host-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        for (String component : new String[] {"core", "apikey", "session", "secrets"}) {
            SchemaMigrations.apply(db, component); // reads META-INF/gatehouse/<component>/schema/ of each module
        }
        Clock clock = Clock.systemUTC();
        UserDirectory users = UserDirectory.jdbc(db, clock);
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));

        Properties config = new Properties();
        config.setProperty("gatehouse.realms", "apikey,session");
        config.setProperty("realm.apikey.store", "jdbc");
        config.setProperty("realm.apikey.applySchema", "false");
        config.setProperty("realm.session.keys.k1", randomKey());
        ProcessStore processes = ProcessStore.jdbc(db);
        try (Gatehouse gatehouse = Gatehouse.builder()
                .users(users)
                .clock(clock)
                .service(DataSource.class, db)
                .service(dev.gatehouse.session.ProcessRegistry.class, processes)
                .properties(config) // realms found through ServiceLoader across module boundaries
                .build()) {
            Identity admin = Identity.builder(alice.id(), alice.username(), "bootstrap").roles(Set.of("admin")).build();
            ApiKeyRealm apiKeys = gatehouse.realm(ApiKeyRealm.class).orElseThrow();
            String key = apiKeys.keys().create(admin, NewApiKey.forUser(alice.id()).withName("module-host")).revealKey();
            expect(gatehouse.authenticate(RequestView.builder().header("Authorization", key).build(),
                    AuthenticationMode.REQUIRED), "alice", "API key");

            ProcessRef process = new ProcessRef(UUID.randomUUID(), "Default", Optional.empty());
            processes.register(process, alice.id(), "RUNNING");
            String token = gatehouse.realm(SessionRealm.class).orElseThrow().tokens().issue(process.id());
            expect(gatehouse.authenticate(RequestView.builder().header(SessionRealm.DEFAULT_HEADER, token).build(),
                    AuthenticationMode.REQUIRED), "alice", "session token");
        }

        Properties secretSettings = new Properties();
        secretSettings.setProperty("secrets.serverKey.k1", randomKey());
        secretSettings.setProperty("secrets.store", "jdbc");
        secretSettings.setProperty("secrets.store.applySchema", "false");
        SecretsConfig secretsConfig = SecretsConfig.from(secretSettings);
        SecretManager secrets = SecretManager.builder().config(secretsConfig)
                .store(secretsConfig.openStore(Map.of(DataSource.class, db))) // a store provider from ServiceLoader
                .build();
        Caller caller = new Caller(alice.id(), Set.of("Default"), Set.of(), false, Optional.empty());
        secrets.create(caller, NewSecret.builder("Default", "greeting", SecretValue.ofString("hello")).build());
        SecretValue read = secrets.read(caller, "Default", "greeting");
        if (!(read instanceof SecretValue.Data data) || !data.asString().equals("hello")) {
            throw new IllegalStateException("the secret did not read back");
        }
        System.out.println("module-host: OK");
    }

    private static void expect(Decision decision, String username, String how) {
        if (!(decision instanceof Decision.Authenticated a) || !a.identity().username().equals(username)) {
            throw new IllegalStateException(how + " did not authenticate on the module path: " + decision);
        }
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
