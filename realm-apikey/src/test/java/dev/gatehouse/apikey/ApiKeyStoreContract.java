package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} promises; run against each store by a subclass. */
abstract class ApiKeyStoreContract {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final SecureRandom random = new SecureRandom();

    abstract ApiKeyStore store();

    StoredApiKey key(UUID owner, String name, Optional<Instant> expiresAt) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return new StoredApiKey(new ApiKey(UUID.randomUUID(), owner, name, ApiKey.KeyFormat.GATEHOUSE, T0, expiresAt,
                Optional.empty()), digest);
    }

    @Test
    void scopesAreStoredWithTheKeyAndAnUnscopedKeyStaysUnscoped() {
        UUID owner = UUID.randomUUID();
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        StoredApiKey scoped = new StoredApiKey(new ApiKey(UUID.randomUUID(), owner, "scoped", ApiKey.KeyFormat.GATEHOUSE,
                T0, Optional.empty(), Optional.empty(),
                Optional.of(dev.gatehouse.core.Permission.setOf("secret:read", "process:start"))), digest);
        StoredApiKey none = new StoredApiKey(new ApiKey(UUID.randomUUID(), owner, "nothing", ApiKey.KeyFormat.GATEHOUSE,
                T0, Optional.empty(), Optional.empty(), Optional.of(java.util.Set.of())), digest(1));
        StoredApiKey unscoped = key(owner, "unscoped", Optional.empty());
        assertThat(store().insert(scoped)).isTrue();
        assertThat(store().insert(none)).isTrue();
        assertThat(store().insert(unscoped)).isTrue();
        assertThat(store().findByDigest(scoped.digest()).orElseThrow().key().scopes())
                .contains(dev.gatehouse.core.Permission.setOf("secret:read", "process:start"));
        assertThat(store().findById(none.id()).orElseThrow().key().scopes()).contains(java.util.Set.of());
        assertThat(store().findById(unscoped.id()).orElseThrow().key().scopes()).isEmpty();
        store().recordLastUsed(Map.of(scoped.id(), T0.plusSeconds(5)));
        assertThat(store().findById(scoped.id()).orElseThrow().key().scopes()).as("kept by a last-used update")
                .contains(dev.gatehouse.core.Permission.setOf("secret:read", "process:start"));
    }

    private byte[] digest(int ignored) {
        byte[] d = new byte[32];
        random.nextBytes(d);
        return d;
    }

    @Test
    void expiredKeysAreDeletedAndNamed() {
        UUID owner = UUID.randomUUID();
        StoredApiKey old = key(owner, "old", Optional.of(T0.plusSeconds(10)));
        StoredApiKey fresh = key(owner, "fresh", Optional.of(T0.plusSeconds(1000)));
        store().insert(old);
        store().insert(fresh);
        assertThat(store().deleteExpiredKeys(T0.plusSeconds(10))).extracting(StoredApiKey::id).containsExactly(old.id());
        assertThat(store().findByOwner(owner)).extracting(StoredApiKey::id).containsExactly(fresh.id());
    }

    @Test
    void insertedKeyIsFoundByDigestIdAndOwner() {
        UUID owner = UUID.randomUUID();
        StoredApiKey k = key(owner, "first", Optional.of(T0.plusSeconds(3600)));
        assertThat(store().insert(k)).isTrue();
        assertThat(store().findByDigest(k.digest())).contains(k);
        assertThat(store().findById(k.id())).contains(k);
        assertThat(store().findByOwner(owner)).containsExactly(k);
        byte[] other = k.digest();
        other[31] ^= 1;
        assertThat(store().findByDigest(other)).isEmpty();
    }

    @Test
    void namesAreUniquePerOwnerAndDigestsUniqueEverywhere() {
        UUID owner = UUID.randomUUID();
        StoredApiKey k = key(owner, "dup", Optional.empty());
        assertThat(store().insert(k)).isTrue();
        assertThat(store().insert(key(owner, "dup", Optional.empty()))).isFalse();
        assertThat(store().insert(key(UUID.randomUUID(), "dup", Optional.empty()))).isTrue();
        StoredApiKey sameDigest = new StoredApiKey(new ApiKey(UUID.randomUUID(), UUID.randomUUID(), "other",
                ApiKey.KeyFormat.GATEHOUSE, T0, Optional.empty(), Optional.empty()), k.digest());
        assertThat(store().insert(sameDigest)).isFalse();
    }

    @Test
    void ownersKeysAreListedByName() {
        UUID owner = UUID.randomUUID();
        StoredApiKey b = key(owner, "bbb", Optional.empty());
        StoredApiKey a = key(owner, "aaa", Optional.empty());
        store().insert(b);
        store().insert(a);
        store().insert(key(UUID.randomUUID(), "ccc", Optional.empty()));
        assertThat(store().findByOwner(owner)).containsExactly(a, b);
    }

    @Test
    void deleteReturnsWhatItDeleted() {
        UUID owner = UUID.randomUUID();
        StoredApiKey k = key(owner, "gone", Optional.empty());
        store().insert(k);
        assertThat(store().delete(k.id())).contains(k);
        assertThat(store().delete(k.id())).isEmpty();
        assertThat(store().findByDigest(k.digest())).isEmpty();
    }

    @Test
    void deleteByOwnerDeletesOnlyThatOwnersKeys() {
        UUID owner = UUID.randomUUID();
        StoredApiKey k1 = key(owner, "k1", Optional.empty());
        StoredApiKey k2 = key(owner, "k2", Optional.empty());
        StoredApiKey other = key(UUID.randomUUID(), "k1", Optional.empty());
        List.of(k1, k2, other).forEach(store()::insert);
        assertThat(store().deleteByOwner(owner)).containsExactlyInAnyOrder(k1, k2);
        assertThat(store().findByOwner(owner)).isEmpty();
        assertThat(store().findById(other.id())).contains(other);
    }

    @Test
    void deleteExpiredDeletesKeysExpiredAtOrBeforeNow() {
        UUID owner = UUID.randomUUID();
        StoredApiKey past = key(owner, "past", Optional.of(T0.plusSeconds(10)));
        StoredApiKey now = key(owner, "now", Optional.of(T0.plusSeconds(20)));
        StoredApiKey future = key(owner, "future", Optional.of(T0.plusSeconds(30)));
        StoredApiKey never = key(owner, "never", Optional.empty());
        List.of(past, now, future, never).forEach(store()::insert);
        assertThat(store().deleteExpired(T0.plusSeconds(20))).isEqualTo(2);
        assertThat(store().findByOwner(owner)).containsExactly(future, never);
    }

    @Test
    void lastUsedTimesAreWrittenAsABatchAndNeverMoveBackwards() {
        UUID owner = UUID.randomUUID();
        StoredApiKey k1 = key(owner, "k1", Optional.empty());
        StoredApiKey k2 = key(owner, "k2", Optional.empty());
        store().insert(k1);
        store().insert(k2);
        store().recordLastUsed(Map.of(k1.id(), T0.plusSeconds(5), k2.id(), T0.plusSeconds(7), UUID.randomUUID(), T0));
        assertThat(store().findById(k1.id()).orElseThrow().key().lastUsedAt()).contains(T0.plusSeconds(5));
        assertThat(store().findById(k2.id()).orElseThrow().key().lastUsedAt()).contains(T0.plusSeconds(7));
        store().recordLastUsed(Map.of(k1.id(), T0.plusSeconds(1)));
        assertThat(store().findById(k1.id()).orElseThrow().key().lastUsedAt()).contains(T0.plusSeconds(5));
    }
}
