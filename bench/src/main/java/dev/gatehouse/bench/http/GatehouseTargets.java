package dev.gatehouse.bench.http;

import com.example.gatehouse.hmac.HmacRequestFilter;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.session.SessionRealm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Gatehouse as the example server wires it: one engine with the realms {@code apikey}, {@code ldap},
 * {@code session} and {@code hmac} (the plugin from {@code examples/custom-realm}, enabled by
 * configuration alone), configured from properties, on a HikariCP pool over one database that holds
 * the user directory, the API keys and the process registry. Each credential kind is one target.
 */
final class GatehouseTargets implements AutoCloseable {

    static final String API_KEY_USER = "keyuser";
    static final String PROCESS_USER = "procuser";
    static final String HMAC_USER = "ci-bot";
    private static final String HMAC_KEY_ID = "bench";

    private final String stack;
    private final Gatehouse gatehouse;
    private final AuthenticationFilter filter;
    private final String apiKey;
    private final String sessionToken;
    private final SecretKeySpec hmacSecret;

    /**
     * @param stack the name in the table, e.g. {@code Gatehouse (H2)}
     * @param db a pooled data source; its schema is applied here
     */
    GatehouseTargets(String stack, DataSource db, LdapDirectory ldap) {
        this.stack = stack;
        SchemaMigrations.apply(db, "core");
        UserDirectory users = UserDirectory.jdbc(db, Clock.systemUTC());
        byte[] sessionKey = random(32);
        byte[] hmac = random(32);
        hmacSecret = new SecretKeySpec(hmac, "HmacSHA256");
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "apikey,ldap,session,hmac");
        p.setProperty("realm.ldap.url", ldap.url());
        p.setProperty("realm.ldap.searchBase", LdapDirectory.PEOPLE);
        p.setProperty("realm.ldap.principalSearchFilter", "(uid={0})");
        p.setProperty("realm.ldap.systemUsername", LdapDirectory.SYSTEM_DN);
        p.setProperty("realm.ldap.systemPassword", LdapDirectory.SYSTEM_PASSWORD);
        p.setProperty("realm.session.keys.k1", Base64.getEncoder().encodeToString(sessionKey));
        p.setProperty("realm.hmac.maxNonces", "5000000"); // every request of a run carries a fresh nonce
        p.setProperty("realm.hmac.key." + HMAC_KEY_ID, HMAC_USER + ":" + Base64.getEncoder().encodeToString(hmac));
        gatehouse = Gatehouse.builder().users(users).service(DataSource.class, db).properties(p).build();
        filter = AuthenticationFilter.builder(gatehouse).build();

        User keyUser = users.create(NewUser.of(API_KEY_USER, UserType.LOCAL));
        ApiKeyRealm keys = gatehouse.realm(ApiKeyRealm.class).orElseThrow();
        apiKey = keys.keys().create(Identity.of(keyUser, "bench"), NewApiKey.forUser(keyUser.id())).revealKey();

        User processUser = users.create(NewUser.of(PROCESS_USER, UserType.LOCAL));
        SessionRealm sessions = gatehouse.realm(SessionRealm.class).orElseThrow();
        ProcessRef process = new ProcessRef(UUID.randomUUID(), "acme", Optional.of("bench"));
        sessions.processStore().orElseThrow().register(process, processUser.id(), "RUNNING");
        sessionToken = sessions.tokens().issue(process.id());
    }

    List<Target> targets() {
        return List.of(
                Target.of(stack, HttpBenchmark.API_KEY, filter, Map.of("Authorization", "Bearer " + apiKey), API_KEY_USER),
                Target.of(stack, HttpBenchmark.BASIC_LDAP, filter, Map.of("Authorization",
                        HttpBenchmark.basic(LdapDirectory.USER, LdapDirectory.PASSWORD)), LdapDirectory.USER),
                Target.of(stack, HttpBenchmark.SESSION, filter, Map.of(SessionRealm.DEFAULT_HEADER, sessionToken),
                        PROCESS_USER),
                new Target(stack, HttpBenchmark.HMAC, Optional.of(Filters.chain(new HmacRequestFilter(), filter)),
                        this::hmacHeaders, HMAC_USER, Optional.of(this::signedAt)));
    }

    /** {@code Content-Digest} of an empty body. */
    private static final String EMPTY_DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";

    /**
     * A request signed now with a fresh nonce, as the plugin's clients sign (method, path, query,
     * date, nonce, Content-Digest): valid once, within the plugin's default 5-minute skew.
     */
    private Map<String, String> hmacHeaders() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacSecret);
            return signed(mac, Instant.now().toString(), UUID.randomUUID().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private Map<String, String> signed(Mac mac, String date, String nonce) {
        byte[] signature = mac.doFinal(String.join("\n", "GET", WhoAmIServer.PATH, "", date, nonce, EMPTY_DIGEST)
                .getBytes(StandardCharsets.UTF_8));
        return Map.of("Authorization", "GH-HMAC keyId=" + HMAC_KEY_ID + ", nonce=" + nonce + ", signature="
                + Base64.getEncoder().encodeToString(signature), "X-Gatehouse-Date", date, "Content-Digest", EMPTY_DIGEST);
    }

    /** The signer of {@link #signedAt}: the benchmark signs from one thread. */
    private Mac signer;

    /** One request signed under {@code date} with a fresh nonce (see {@link Target.SignedRequests}). */
    private Map<String, String> signedAt(String date) {
        try {
            if (signer == null) {
                signer = Mac.getInstance("HmacSHA256");
                signer.init(hmacSecret);
            }
            return signed(signer, date, UUID.randomUUID().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A HikariCP pool as the example server builds it (at most 10 connections). */
    static HikariDataSource pool(String name, String jdbcUrl, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setMaximumPoolSize(10);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        gatehouse.close();
    }
}
