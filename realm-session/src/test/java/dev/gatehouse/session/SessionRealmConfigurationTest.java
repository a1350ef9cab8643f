package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.H2Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class SessionRealmConfigurationTest {

    private static final String B64_128 = SessionFixture.b64(new byte[16]);

    private static Gatehouse build(Map<String, String> settings) {
        return Gatehouse.builder()
                .service(ProcessRegistry.class, ProcessStore.inMemory())
                .realm("session", "session", settings)
                .build();
    }

    @Test
    void keyShorterThan256BitsIsRefusedNamingTheKey() {
        String shortKey = SessionFixture.b64(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.old", shortKey, "issuingKey", "k1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.old")
                .hasMessageContaining("128 bits")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", SessionFixture.b64(new byte[31]))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("248 bits");
    }

    @Test
    void keyLongerThan256BitsIsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", SessionFixture.b64(new byte[64]))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("exactly 256");
    }

    @Test
    void keyThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", "not base64 at all!")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("base64")
                .hasMessageNotContaining("not base64 at all!");
    }

    @Test
    void noKeyIsRefused() {
        // no key is given, so core cannot qualify one: the message names the realm and the key pattern
        assertThatThrownBy(() -> build(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session: keys.<id>: at least one key is required");
    }

    @Test
    void twoKeysNeedAnIssuingKey() {
        Map<String, String> two = SessionFixture.settings("keys.k2", SessionFixture.b64(SessionFixture.KEY_2));
        assertThatThrownBy(() -> build(two))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session: issuingKey is required")
                .hasMessageContaining("[k1, k2]");
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k2", SessionFixture.b64(SessionFixture.KEY_2),
                "issuingKey", "k3")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.issuingKey")
                .hasMessageContaining("k3");
    }

    @Test
    void keysComeFromTheEnvironment() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "session");
        p.setProperty("realm.session.keys.k1", "${env:SESSION_KEY}");
        Gatehouse g = Gatehouse.builder()
                .environment(name -> name.equals("SESSION_KEY") ? SessionFixture.b64(SessionFixture.KEY_1) : null)
                .service(ProcessRegistry.class, ProcessStore.inMemory())
                .properties(p)
                .build();
        assertThat(g.realm(SessionRealm.class)).isPresent();
    }

    @Test
    void missingProcessRegistryIsAConfigurationError() {
        assertThatThrownBy(() -> Gatehouse.builder().realm("session", "session", SessionFixture.settings()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ProcessRegistry.class.getName())
                .hasMessageContaining(DataSource.class.getName())
                .hasMessageContaining("realm.session.store=memory");
    }

    @Test
    void storeJdbcBuildsAProcessStoreOnTheHostsDataSourceAndAppliesItsSchema() throws Exception {
        DataSource ds = H2Database.create();
        Gatehouse g = Gatehouse.builder()
                .service(DataSource.class, ds)
                .realm("session", "session", SessionFixture.settings())
                .build();
        assertThat(tableExists(ds)).isTrue();
        ProcessStore store = g.realm(SessionRealm.class).orElseThrow().processStore().orElseThrow();
        User alice = g.users().create(NewUser.of("alice", UserType.LOCAL));
        ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        store.register(p, alice.id(), "RUNNING");
        assertThat(ProcessStore.jdbc(ds).find(p.id())).as("the row is in the host's database").isPresent();
        String token = g.realm(SessionRealm.class).orElseThrow().tokens().issue(p.id());
        assertThat(g.authenticate(RequestView.builder().header(SessionFixture.HEADER, token).build(),
                AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Authenticated.class);
    }

    @Test
    void applySchemaFalseLeavesTheSchemaToTheHost() throws Exception {
        DataSource ds = H2Database.create();
        Gatehouse.builder().service(DataSource.class, ds)
                .realm("session", "session", SessionFixture.settings("applySchema", "false")).build();
        assertThat(tableExists(ds)).isFalse();
    }

    @Test
    void storeMemoryNeedsNoService() {
        Gatehouse g = Gatehouse.builder().realm("session", "session", SessionFixture.settings("store", "memory",
                "additionalFinalStatuses", "ARCHIVED")).build();
        ProcessStore store = g.realm(SessionRealm.class).orElseThrow().processStore().orElseThrow();
        assertThat(store.isFinal("archived")).isTrue();
    }

    @Test
    void aHostRegistryIsUsedAsItIsAndStoreOptionsForItAreRefused() {
        ProcessRegistry hosted = id -> Optional.empty();
        Gatehouse g = Gatehouse.builder().service(ProcessRegistry.class, hosted)
                .realm("session", "session", SessionFixture.settings()).build();
        assertThat(g.realm(SessionRealm.class).orElseThrow().processStore()).isEmpty();
        assertThatThrownBy(() -> Gatehouse.builder().service(ProcessRegistry.class, hosted)
                .realm("session", "session", SessionFixture.settings("additionalFinalStatuses", "ARCHIVED")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session.additionalFinalStatuses");
    }

    @Test
    void unknownStoreIsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("store", "redis")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session.store: expected jdbc or memory, was 'redis'");
    }

    @Test
    void theOldCacheTtlKeyIsRefusedAsUnknown() {
        assertThatThrownBy(() -> build(SessionFixture.settings("cacheTtl", "1s")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.cacheTtl");
    }

    @Test
    void cacheSizeIsCheckedByTheBuilderAndNamedByItsKey() {
        assertThatThrownBy(() -> build(SessionFixture.settings("cacheSize", "-1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session.cacheSize must be between 0 and 10000000, was -1");
    }

    private static boolean tableExists(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection();
                ResultSet rs = c.getMetaData().getTables(null, null, "GH_SESSION_PROCESSES", null)) {
            return rs.next();
        }
    }

    @Test
    void misspeltSettingIsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("maxLifeTime", "1h")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.maxLifeTime");
    }

    @Test
    void durationsOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("maxLifetime", "10s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.session.maxLifetime");
        assertThatThrownBy(() -> build(SessionFixture.settings("revocationBound", "2h")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.session.revocationBound must be between 0 and 1 minute, was PT2H");
        assertThatThrownBy(() -> build(SessionFixture.settings("clockSkew", "6m")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("realm.session.clockSkew");
    }

    @Test
    void headerNameIsConfigurableAndDeclared() {
        Gatehouse g = build(SessionFixture.settings("header", "X-Session"));
        Realm realm = g.realms().get(0);
        assertThat(realm.credentialHeaders()).contains("X-Session", "Authorization");
        assertThat(realm.credentials(RequestView.builder().header("X-Session", "abc").build())).isPresent();
        assertThat(realm.credentials(RequestView.builder().header(SessionFixture.HEADER, "abc").build())).isEmpty();
        assertThatThrownBy(() -> build(SessionFixture.settings("header", "Authorization")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("realm.session.header must be");
    }

    @Test
    void basicCanBeTurnedOff() {
        Realm realm = build(SessionFixture.settings("acceptBasic", "false")).realms().get(0);
        assertThat(realm.credentialHeaders()).containsExactly(SessionFixture.HEADER);
    }

    @Test
    void concordKeysWithoutEnablingMigrationAreRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.secretStoreSalt", B64_128,
                "concord.serverPassword", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.enabled");
    }

    @Test
    void concordMigrationNeedsBothValues() {
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.enabled", "true",
                "concord.secretStoreSalt", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.serverPassword");
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.enabled", "true",
                "concord.secretStoreSalt", "%%%", "concord.serverPassword", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.secretStoreSalt")
                .hasMessageContaining("base64");
    }
}
