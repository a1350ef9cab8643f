package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.H2Database;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ApiKeyRealmProviderTest {

    private final UserDirectory users = UserDirectory.inMemory(java.time.Clock.systemUTC());
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
        ApiKeyRealm realm = ApiKeyRealm.in(g).orElseThrow();
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
        ApiKeyRealm realm = ApiKeyRealm.in(g).orElseThrow();
        try {
            assertThat(realm.name()).isEqualTo("keys");
            User km = users.create(NewUser.of("km", UserType.LOCAL).withRoles(java.util.Set.of("keymaster")));
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
        ApiKeyRealm realm = ApiKeyRealm.in(g).orElseThrow();
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
        ApiKeyRealm realm = ApiKeyRealm.in(g).orElseThrow();
        try {
            assertThatThrownBy(() -> realm.keys().create(Identity.of(alice, "t"), NewApiKey.forUser(alice.id())))
                    .isInstanceOf(ApiKeyException.class);
            realm.keys().verify(new dev.gatehouse.apikey.internal.GatehouseKeys("gh")
                    .generate(new java.security.SecureRandom()));
            assertThat(store.digestLookups.get()).isEqualTo(1);
        } finally {
            realm.close();
        }
    }
}
