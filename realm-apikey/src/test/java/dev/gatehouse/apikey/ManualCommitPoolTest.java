package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.PostgresSchema;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A host's pool may hand out connections in manual-commit mode (HikariCP {@code autoCommit=false},
 * as many frameworks configure it). A write that relied on auto-commit would then be rolled back
 * when its connection went back to the pool, after the caller was told it was stored. Every write
 * of the JDBC store is committed explicitly, and is seen by another connection afterwards.
 */
class ManualCommitPoolTest {

    private final MutableClock time = MutableClock.atEpochOfTests();

    @Test
    void writesAreCommittedOnH2WhenThePoolDoesNotAutoCommit() {
        DataSource plain = H2Database.create();
        SchemaMigrations.apply(plain, "apikey");
        try (HikariDataSource pool = manualCommitPool(plain)) {
            writesAreCommitted(pool, plain);
        }
    }

    @Test
    void writesAreCommittedOnPostgresWhenThePoolDoesNotAutoCommit() {
        try (PostgresSchema schema = PostgresSchema.create("apikey_manual_commit")) {
            SchemaMigrations.apply(schema.dataSource(), "apikey");
            try (HikariDataSource pool = manualCommitPool(schema.dataSource())) {
                writesAreCommitted(pool, schema.anotherDataSource());
            }
        }
    }

    private static HikariDataSource manualCommitPool(DataSource target) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(target);
        config.setAutoCommit(false);
        config.setMaximumPoolSize(2);
        config.setPoolName("manual-commit");
        return new HikariDataSource(config);
    }

    /** Creates, uses and revokes keys through {@code pool}; checks each step through {@code other}. */
    private void writesAreCommitted(DataSource pool, DataSource other) {
        UserDirectory users = UserDirectory.inMemory(time);
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        Identity asAlice = Identity.of(alice, "test");
        ApiKeyStore elsewhere = ApiKeyStore.jdbc(other);
        try (ApiKeyRealm realm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(pool), users).clock(time)
                .ticker(ClockTicker.of(time)).lastUsedFlushInterval(Duration.ofHours(1)).build()) {
            IssuedApiKey created = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
            UUID id = created.metadata().id();
            assertThat(elsewhere.findById(id)).as("the create is committed").isPresent();

            realm.keys().verify(created.revealKey());
            realm.flushLastUsed();
            assertThat(elsewhere.findById(id).orElseThrow().key().lastUsedAt()).as("last-used time committed")
                    .contains(time.instant());

            assertThat(realm.keys().revoke(asAlice, id)).isTrue();
            assertThat(elsewhere.findById(id)).as("the revocation is committed").isEmpty();

            ApiKeyStore store = ApiKeyStore.jdbc(pool);
            StoredApiKey raw = new StoredApiKey(new ApiKey(UUID.randomUUID(), alice.id(), "direct",
                    ApiKey.KeyFormat.GATEHOUSE, time.instant(), Optional.empty(), Optional.empty()),
                    new byte[32]);
            assertThat(store.insert(raw)).isTrue();
            assertThat(elsewhere.findById(raw.id())).isPresent();
            store.recordLastUsed(Map.of(raw.id(), time.instant()));
            assertThat(elsewhere.findById(raw.id()).orElseThrow().key().lastUsedAt()).contains(time.instant());
            assertThat(store.deleteByOwner(alice.id())).hasSize(1);
            assertThat(elsewhere.findByOwner(alice.id())).isEmpty();
        }
    }
}
