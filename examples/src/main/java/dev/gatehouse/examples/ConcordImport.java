package dev.gatehouse.examples;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.examples.internal.DataDir;
import dev.gatehouse.examples.internal.Orgs;
import dev.gatehouse.examples.internal.Settings;
import dev.gatehouse.examples.internal.concord.ConcordDatabase;
import dev.gatehouse.examples.internal.concord.ConcordMigrator;
import dev.gatehouse.examples.internal.concord.MigrationReport;
import dev.gatehouse.examples.internal.concord.SealedConcordSecrets;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.concord.ConcordMigration;
import dev.gatehouse.secrets.concord.ConcordMigration.RefusedKeyPairs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Concord migration command: reads a Concord PostgreSQL database (read only) and writes its users,
 * orgs, projects and project keys, org membership, API keys and secrets into the example server's
 * database, as configured by the server's own configuration file. See the secrets module's README
 * ("Migration from Concord") for the flags; {@code --help} prints them.
 *
 * <p>Exit status: 0 when every record was migrated or present, 3 when some were skipped or failed
 * (the report lists each), 2 for bad flags, 1 when the run could not start or stopped on an outage.
 */
public final class ConcordImport {

    static final String USAGE = """
            usage: ConcordImport --concord-url JDBC_URL [--concord-user USER] [--concord-password PASSWORD]
                                 --secret-store-salt BASE64 --server-password BASE64 --project-secret-salt BASE64
                                 [--config GATEHOUSE_CONFIG_FILE] [--dry-run]
                                 [--refused-key-pairs skip|opaque] [--password-protected seal|skip]
                                 [--store-passwords FILE]
              Values may be given as ${env:NAME}. The three Concord values are as in Concord's configuration
              (secretStore.secretStoreSalt, secretStore.serverPassword, secretStore.projectSecretSalt: base64).
              --store-passwords FILE: lines 'org/secret<TAB>store password' for password-protected secrets
              to migrate now (never stored); the others are left sealed (seal) or not migrated (skip).""";

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private ConcordImport() {}

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> flags = new HashMap<>();
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--dry-run")) {
                dryRun = true;
            } else if (a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else if (a.startsWith("--") && i + 1 < args.length && !flags.containsKey(a)) {
                flags.put(a, args[++i]);
            } else {
                err.println("unexpected argument: " + (a.startsWith("--") ? a : "(a value)"));
                err.println(USAGE);
                return 2;
            }
        }
        List<String> known = List.of("--concord-url", "--concord-user", "--concord-password", "--secret-store-salt",
                "--server-password", "--project-secret-salt", "--config", "--refused-key-pairs", "--password-protected",
                "--store-passwords");
        for (String f : flags.keySet()) {
            if (!known.contains(f)) {
                err.println("unknown flag: " + f);
                err.println(USAGE);
                return 2;
            }
        }
        byte[] storeSalt = null;
        byte[] serverPassword = null;
        byte[] projectSalt = null;
        Map<String, char[]> storePasswords = new HashMap<>();
        try {
            String url = require(flags, "--concord-url", env);
            storeSalt = base64(flags, "--secret-store-salt", env);
            serverPassword = base64(flags, "--server-password", env);
            projectSalt = base64(flags, "--project-secret-salt", env);
            RefusedKeyPairs refused = switch (flags.getOrDefault("--refused-key-pairs", "skip")) {
                case "skip" -> RefusedKeyPairs.SKIP;
                case "opaque" -> RefusedKeyPairs.OPAQUE_FILE;
                default -> throw new IllegalArgumentException("--refused-key-pairs must be skip or opaque");
            };
            boolean seal = switch (flags.getOrDefault("--password-protected", "seal")) {
                case "seal" -> true;
                case "skip" -> false;
                default -> throw new IllegalArgumentException("--password-protected must be seal or skip");
            };
            if (flags.containsKey("--store-passwords")) {
                storePasswords = readStorePasswords(Path.of(flags.get("--store-passwords")));
            }
            Optional<Path> config = Optional.ofNullable(flags.get("--config")).or(() ->
                    Optional.ofNullable(env.get("GATEHOUSE_CONFIG"))).map(Path::of);
            Optional<String> user = Optional.ofNullable(flags.get("--concord-user")).map(v -> resolve(v, env));
            Optional<char[]> password = Optional.ofNullable(flags.get("--concord-password")).map(v -> resolve(v, env).toCharArray());
            ConcordMigrator.Options options = new ConcordMigrator.Options(dryRun, refused, seal, storePasswords, err);
            MigrationReport report = migrate(Settings.load(config, env), url, user, password, serverPassword, storeSalt,
                    projectSalt, options);
            report.print(out);
            if (!"true".equalsIgnoreCase(Settings.load(config, env).properties()
                    .getProperty("realm.apikey.acceptConcordKeys", "false").strip())) {
                out.println("Note: set realm.apikey.acceptConcordKeys=true in the server's configuration, "
                        + "so that the migrated Concord API keys authenticate.");
            }
            return report.notMigrated() > 0 ? 3 : 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (ConfigurationException e) {
            err.println("configuration error: " + e.getMessage());
            return 1;
        } catch (java.sql.SQLException e) {
            // The driver's message names the host and database, never a password.
            err.println("cannot read the Concord database: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("the migration stopped: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        } finally {
            for (byte[] b : new byte[][] {storeSalt, serverPassword, projectSalt}) {
                if (b != null) {
                    Arrays.fill(b, (byte) 0);
                }
            }
            storePasswords.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    /** Runs one migration into the deployment that {@code settings} describe. */
    static MigrationReport migrate(Settings settings, String concordUrl, Optional<String> concordUser,
            Optional<char[]> concordPassword, byte[] serverPassword, byte[] storeSalt, byte[] projectSalt,
            ConcordMigrator.Options options) throws java.sql.SQLException {
        DataDir dataDir = new DataDir(Path.of(settings.get("server.dataDir", "data")));
        Clock clock = Clock.systemUTC();
        try (HikariDataSource db = ExampleServer.dataSource(settings, dataDir);
                ConcordDatabase source = ConcordDatabase.open(concordUrl, concordUser, concordPassword)) {
            if (!options.dryRun()) {
                for (String component : List.of("core", "examples", SealedConcordSecrets.COMPONENT, "apikey")) {
                    SchemaMigrations.apply(db, component);
                }
            }
            UserDirectory users = UserDirectory.jdbc(db, clock);
            UUID admin = adminUser(users, options.dryRun());
            UnaryOperator<dev.gatehouse.secrets.store.SecretStore> decorate = options.dryRun()
                    ? ConcordMigrator::dryRunStore : UnaryOperator.identity();
            ApiKeyStore keyStore = ApiKeyStore.jdbc(db);
            try (SecretManager secrets = ExampleServer.secrets(settings, dataDir, db, decorate);
                    ApiKeyRealm realm = ApiKeyRealm.builder("apikey", keyStore, users).acceptConcordKeys(true).build()) {
                ConcordMigration migration = new ConcordMigration(secrets, serverPassword, storeSalt, projectSalt);
                ConcordMigrator.Target target = new ConcordMigrator.Target(db, users, new Orgs(db), realm.keys(), keyStore,
                        secrets, new SealedConcordSecrets(db), admin);
                return new ConcordMigrator(target, migration, options, clock).run(source);
            }
        }
    }

    /** The example server's admin user, who acts for the migration (created as the server would). */
    private static UUID adminUser(UserDirectory users, boolean dryRun) {
        Optional<User> admin = users.findByUsername(ExampleServer.ADMIN_USERNAME, Optional.empty());
        if (admin.isPresent()) {
            return admin.get().id();
        }
        if (dryRun) {
            return UUID.randomUUID();
        }
        return users.findOrCreate(NewUser.of(ExampleServer.ADMIN_USERNAME, UserType.LOCAL).withDisplayName("Administrator")
                .withRoles(Set.of("admin"))).id();
    }

    private static String require(Map<String, String> flags, String flag, Map<String, String> env) {
        String v = flags.get(flag);
        if (v == null) {
            throw new IllegalArgumentException(flag + " is required\n" + USAGE);
        }
        return resolve(v, env);
    }

    private static byte[] base64(Map<String, String> flags, String flag, Map<String, String> env) {
        try {
            return Base64.getDecoder().decode(require(flags, flag, env).strip());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--")) {
                throw e;
            }
            throw new IllegalArgumentException(flag + ": not base64 (give the value as in Concord's configuration)");
        }
    }

    /** {@code ${env:NAME}} is replaced by the variable's value. */
    static String resolve(String value, Map<String, String> env) {
        Matcher m = ENV.matcher(value.strip());
        if (!m.matches()) {
            return value;
        }
        String v = env.get(m.group(1));
        if (v == null) {
            throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set");
        }
        return v;
    }

    private static Map<String, char[]> readStorePasswords(Path file) {
        Map<String, char[]> out = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--store-passwords: cannot read " + file);
        }
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0 || line.indexOf('/') <= 0 || line.indexOf('/') > tab) {
                throw new IllegalArgumentException("--store-passwords: line " + n + " is not 'org/secret<TAB>password'");
            }
            out.put(line.substring(0, tab), line.substring(tab + 1).toCharArray());
        }
        return out;
    }
}
