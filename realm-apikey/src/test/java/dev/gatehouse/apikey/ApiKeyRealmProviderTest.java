package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ApiKeyRealmProviderTest {

    private final UserDirectory users = UserDirectory.inMemory(Clock.systemUTC());
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL));

    private Gatehouse.Builder builder() {
        return Gatehouse.builder().users(users);
    }

    @Test
    void providerIsFoundByServiceLoaderAsTypeApikey() {
        assertThat(ServiceLoader.load(RealmProvider.class).stream().map(p -> p.get().type()))
                .contains(ApiKeyRealm.TYPE);
    }

    @Test
    void memoryStoreWithDefaults() {
        Gatehouse g = builder().realm("apikey", "apikey", Map.of("store", "memory")).build();
        ApiKeyRealm realm = g.realm(ApiKeyRealm.class).orElseThrow();
        try {
            IssuedApiKey k = realm.keys().create(Identity.of(alice, "t"), NewApiKey.forUser(alice.id()));
            assertThat(k.revealKey()).startsWith("gh_").hasSize(52);
            assertThat(k.metadata().expiresAt()).isEmpty();
        } finally {
            realm.close();
        }
    }

    @Test
    void everySettingIsRead() {
        Gatehouse g = builder().realm("keys", "apikey", Map.ofEntries(Map.entry("store", "memory"),
                Map.entry("prefix", "acme"), Map.entry("revocationBound", "2s"), Map.entry("cacheSize", "10"),
                Map.entry("negativeCacheSize", "10"), Map.entry("maxConcurrentLookups", "4"), Map.entry("lookupTimeout", "1s"),
                Map.entry("lastUsedFlushInterval", "1m"), Map.entry("defaultLifetime", "30d"),
                Map.entry("acceptConcordKeys", "true"), Map.entry("adminRole", "keymaster"),
                Map.entry("applySchema", "false"))).build();
        ApiKeyRealm realm = g.realm(ApiKeyRealm.class).orElseThrow();
        try {
            assertThat(realm.name()).isEqualTo("keys");
            User km = users.create(NewUser.of("km", UserType.LOCAL).withRoles(Set.of("keymaster")));
            IssuedApiKey k = realm.keys().create(Identity.of(km, "t"), NewApiKey.forUser(alice.id()));
            assertThat(k.revealKey()).startsWith("acme_");
            assertThat(k.metadata().expiresAt()).isPresent();
            assertThat(Duration.between(k.metadata().createdAt(), k.metadata().expiresAt().get()))
                    .isEqualTo(Duration.ofDays(30));
        } finally {
            realm.close();
        }
    }

    @Test
    void misspeltSettingIsRefusedAtStartup() {
        assertThatThrownBy(() -> builder().realm("apikey", "apikey", Map.of("store", "memory", "prefx", "x")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.apikey.prefx");
    }

    @Test
    void badPrefixNamesTheSetting() {
        assertThatThrownBy(() -> builder().realm("apikey", "apikey", Map.of("store", "memory", "prefix", "Has_")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.apikey.prefix");
    }

    @Test
    void builderChecksNameTheFullKey() {
        Map<String, String> bad = Map.of("lookupTimeout", "0ms", "maxConcurrentLookups", "0", "cacheSize", "-1",
                "negativeCacheSize", "-5", "lastUsedFlushInterval", "0s", "defaultLifetime", "0d");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> builder().realm("keys", "apikey", Map.of("store", "memory", e.getKey(),
                    e.getValue())).build())
                    .as(e.getKey())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("realm.keys." + e.getKey() + " must ");
        }
    }

    @Test
    void tooManyConcurrentLookupsAreRefusedByTheBuilder() {
        assertThatThrownBy(() -> ApiKeyRealm.builder("k", ApiKeyStore.inMemory(), users).maxConcurrentLookups(10_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxConcurrentLookups must be");
        assertThatThrownBy(() -> builder().realm("apikey", "apikey", Map.of("store", "memory",
                "maxConcurrentLookups", "1000000")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.apikey.maxConcurrentLookups must be between 1 and 10000");
    }

    @Test
    void adminRoleSettingIsTheBuildersAdminRole() {
        Gatehouse g = builder().realm("apikey", "apikey", Map.of("store", "memory", "adminRole", "keymaster")).build();
        ApiKeyRealm realm = g.realm(ApiKeyRealm.class).orElseThrow();
        try {
            User km = users.create(NewUser.of("km2", UserType.LOCAL).withRoles(Set.of("keymaster")));
            User admin = users.create(NewUser.of("adm", UserType.LOCAL).withRoles(Set.of("admin")));
            assertThat(realm.keys().list(Identity.of(km, "t"), alice.id())).isEmpty();
            assertThatThrownBy(() -> realm.keys().list(Identity.of(admin, "t"), alice.id()))
                    .as("the default role no longer applies").isInstanceOf(ApiKeyException.class);
        } finally {
            realm.close();
        }
    }

    @Test
    void unknownStoreNamesTheSetting() {
        assertThatThrownBy(() -> builder().realm("apikey", "apikey", Map.of("store", "redis")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.apikey.store");
    }

    @Test
    void jdbcStoreWithoutADataSourceSaysWhatIsMissing() {
        assertThatThrownBy(() -> builder().realm("apikey", "apikey", Map.of()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("DataSource");
    }

    @Test
    void jdbcStoreAppliesItsSchema() {
        DataSource ds = H2Database.create();
        Gatehouse g = builder().service(DataSource.class, ds).realm("apikey", "apikey", Map.of()).build();
        ApiKeyRealm realm = g.realm(ApiKeyRealm.class).orElseThrow();
        try {
            IssuedApiKey k = realm.keys().create(Identity.of(alice, "t"), NewApiKey.forUser(alice.id()));
            assertThat(ApiKeyStore.jdbc(ds).findById(k.metadata().id())).isPresent();
        } finally {
            realm.close();
        }
    }

    @Test
    void hostSuppliedStoreAndPermissionsAreUsed() {
        CountingStore store = new CountingStore(ApiKeyStore.inMemory());
        ApiKeyPermissions nobody = new ApiKeyPermissions() {
            @Override
            public boolean mayManageKeysOf(Identity caller, UUID owner) {
                return false;
            }

            @Override
            public boolean mayChooseKeyValue(Identity caller, UUID owner) {
                return false;
            }
        };
        Gatehouse g = builder().service(ApiKeyStore.class, store).service(ApiKeyPermissions.class, nobody)
                .realm("apikey", "apikey", Map.of()).build();
        ApiKeyRealm realm = g.realm(ApiKeyRealm.class).orElseThrow();
        try {
            assertThatThrownBy(() -> realm.keys().create(Identity.of(alice, "t"), NewApiKey.forUser(alice.id())))
                    .isInstanceOf(ApiKeyException.class);
            realm.keys().verify(new GatehouseKeys("gh").generate(new SecureRandom()));
            assertThat(store.digestLookups.get()).isEqualTo(1);
        } finally {
            realm.close();
        }
    }
}
