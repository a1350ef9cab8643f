package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.apikey.ApiKeyException.Reason;
import dev.gatehouse.apikey.internal.Digests;
import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiKeyServiceTest {

    private final MutableClock time = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(time);
    private final CountingStore store = new CountingStore(ApiKeyStore.inMemory());
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL));
    private final User bob = users.create(NewUser.of("bob", UserType.LOCAL));
    private final User root = users.create(NewUser.of("root", UserType.LOCAL).withRoles(Set.of("admin")));
    private ApiKeyRealm realm = realm(ApiKeyRealm.builder("apikey", store, users));
    private ApiKeyService keys = realm.keys();

    private ApiKeyRealm realm(ApiKeyRealm.Builder b) {
        return b.clock(time).ticker(ClockTicker.of(time)).build();
    }

    @AfterEach
    void close() {
        realm.close();
    }

    private static Identity as(User user) {
        return Identity.of(user, "test");
    }

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiKeyException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void createdKeyAuthenticatesAsItsOwnerAndIsShownOnlyOnce() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()).withName("ci-runner"));
        assertThat(issued.metadata().name()).isEqualTo("ci-runner");
        assertThat(issued.toString()).doesNotContain(issued.revealKey());
        AuthenticationResult result = keys.verify(issued.revealKey());
        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Authenticated.class, a -> {
            assertThat(a.identity().userId()).isEqualTo(alice.id());
            assertThat(a.identity().attributes()).containsEntry("apikey.name", "ci-runner")
                    .containsEntry("apikey.id", issued.metadata().id().toString());
        });
        List<ApiKey> listed = keys.list(as(alice), alice.id());
        assertThat(listed).containsExactly(issued.metadata());
        assertThat(listed.toString()).doesNotContain(issued.revealKey());
    }

    @Test
    void storeHoldsOnlyTheSha256DigestOfTheKey() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        StoredApiKey stored = store.delegate.findById(issued.metadata().id()).orElseThrow();
        assertThat(stored.digest()).isEqualTo(Digests.sha256(issued.revealKey().getBytes(StandardCharsets.US_ASCII)));
        assertThat(stored.toString()).doesNotContain(issued.revealKey());
    }

    @Test
    void missingNameIsGeneratedAndValid() {
        IssuedApiKey a = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        IssuedApiKey b = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        assertThat(a.metadata().name()).matches(ApiKeyService.NAME_PATTERN).isNotEqualTo(b.metadata().name());
    }

    @Test
    void namesMustMatchThePattern() {
        for (String bad : List.of("", "ab", "-abc", "_abc", "a b c", "abc/def", "abc$", "x".repeat(129), "tab\tname",
                "üml")) {
            assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(alice.id()).withName(bad)), Reason.INVALID_NAME);
        }
        for (String good : List.of("abc", "0ab", "a_b@c.d-e~f", "x".repeat(128))) {
            assertThat(keys.create(as(alice), NewApiKey.forUser(alice.id()).withName(good)).metadata().name())
                    .isEqualTo(good);
        }
    }

    @Test
    void namesAreUniquePerUserButNotAcrossUsers() {
        keys.create(as(alice), NewApiKey.forUser(alice.id()).withName("deploy"));
        assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(alice.id()).withName("deploy")), Reason.NAME_TAKEN);
        assertThat(keys.create(as(bob), NewApiKey.forUser(bob.id()).withName("deploy"))).isNotNull();
    }

    @Test
    void byDefaultUsersManageOnlyTheirOwnKeys() {
        IssuedApiKey bobs = keys.create(as(bob), NewApiKey.forUser(bob.id()));
        assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(bob.id())), Reason.FORBIDDEN);
        assertRefused(() -> keys.list(as(alice), bob.id()), Reason.FORBIDDEN);
        assertRefused(() -> keys.revoke(as(alice), bobs.metadata().id()), Reason.FORBIDDEN);
        assertRefused(() -> keys.revokeAll(as(alice), bob.id()), Reason.FORBIDDEN);
        assertThat(keys.verify(bobs.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void byDefaultAdminsManageEveryonesKeys() {
        IssuedApiKey forBob = keys.create(as(root), NewApiKey.forUser(bob.id()));
        assertThat(forBob.metadata().owner()).isEqualTo(bob.id());
        assertThat(keys.list(as(root), bob.id())).hasSize(1);
        assertThat(keys.revoke(as(root), forBob.metadata().id())).isTrue();
    }

    @Test
    void byDefaultOnlyAdminsChooseAKeysValue() {
        String chosen = new GatehouseKeys("gh").generate(new SecureRandom());
        assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(alice.id()).withValue(chosen)), Reason.FORBIDDEN);
        IssuedApiKey imported = keys.create(as(root), NewApiKey.forUser(alice.id()).withValue(chosen));
        assertThat(imported.revealKey()).isEqualTo(chosen);
        assertThat(keys.verify(chosen)).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertRefused(() -> keys.create(as(root), NewApiKey.forUser(bob.id()).withValue(chosen)), Reason.KEY_TAKEN);
    }

    @Test
    void chosenValueMustBeAWellFormedKey() {
        String chosen = new GatehouseKeys("gh").generate(new SecureRandom());
        String typo = chosen.substring(0, 10) + (chosen.charAt(10) == 'a' ? 'b' : 'a') + chosen.substring(11);
        for (String bad : List.of("", "secret", typo, "xx" + chosen.substring(2), chosen + " ")) {
            assertRefused(() -> keys.create(as(root), NewApiKey.forUser(alice.id()).withValue(bad)), Reason.INVALID_KEY);
        }
    }

    @Test
    void hostSuppliedPermissionCheckDecides() {
        realm.close();
        ApiKeyPermissions onlyBobForOthers = new ApiKeyPermissions() {
            @Override
            public boolean mayManageKeysOf(Identity caller, UUID owner) {
                return caller.username().equals("bob");
            }

            @Override
            public boolean mayChooseKeyValue(Identity caller, UUID owner) {
                return false;
            }
        };
        realm = realm(ApiKeyRealm.builder("apikey", store, users).permissions(onlyBobForOthers));
        keys = realm.keys();
        assertThat(keys.create(as(bob), NewApiKey.forUser(alice.id()))).isNotNull();
        assertRefused(() -> keys.create(as(root), NewApiKey.forUser(alice.id())), Reason.FORBIDDEN);
        assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(alice.id())), Reason.FORBIDDEN);
    }

    @Test
    void keysForUnknownUsersAreRefused() {
        assertRefused(() -> keys.create(as(root), NewApiKey.forUser(UUID.randomUUID())), Reason.UNKNOWN_USER);
    }

    @Test
    void expiredKeyIsRefusedAndDeletedByCleanup() {
        IssuedApiKey shortLived = keys.create(as(alice),
                NewApiKey.forUser(alice.id()).withExpiry(time.instant().plus(Duration.ofMinutes(5))));
        IssuedApiKey forever = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        assertThat(keys.verify(shortLived.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
        time.advance(Duration.ofMinutes(5));
        assertThat(keys.verify(shortLived.revealKey())).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(keys.deleteExpired()).isEqualTo(1);
        assertThat(keys.list(as(alice), alice.id())).extracting(k -> k.id()).containsExactly(forever.metadata().id());
        assertThat(keys.verify(forever.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void defaultLifetimeAppliesWhenNoExpiryIsGiven() {
        realm.close();
        realm = realm(ApiKeyRealm.builder("apikey", store, users).defaultLifetime(Duration.ofDays(30)));
        keys = realm.keys();
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        assertThat(issued.metadata().expiresAt()).contains(time.instant().plus(Duration.ofDays(30)));
        Instant explicit = time.instant().plus(Duration.ofDays(2));
        assertThat(keys.create(as(alice), NewApiKey.forUser(alice.id()).withExpiry(explicit)).metadata().expiresAt())
                .contains(explicit);
    }

    @Test
    void expiryInThePastIsRefused() {
        assertRefused(() -> keys.create(as(alice), NewApiKey.forUser(alice.id()).withExpiry(time.instant())),
                Reason.INVALID_EXPIRY);
    }

    @Test
    void revokedKeyIsRefusedAtOnce() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(keys.revoke(as(alice), issued.metadata().id())).isTrue();
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(keys.revoke(as(alice), issued.metadata().id())).isFalse();
    }

    @Test
    void revokeAllRevokesEveryKeyOfTheUserOnly() {
        IssuedApiKey a1 = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        IssuedApiKey a2 = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        IssuedApiKey b1 = keys.create(as(bob), NewApiKey.forUser(bob.id()));
        keys.verify(a1.revealKey());
        keys.verify(a2.revealKey());
        assertThat(keys.revokeAll(as(alice), alice.id())).isEqualTo(2);
        assertThat(keys.verify(a1.revealKey())).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(keys.verify(a2.revealKey())).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(keys.verify(b1.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void importedConcordKeyIsAcceptedOnlyWhileItsDigestIsStored() throws Exception {
        realm.close();
        realm = realm(ApiKeyRealm.builder("apikey", store, users).acceptConcordKeys(true));
        keys = realm.keys();
        SecureRandom random = new SecureRandom();
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String concordKey = Base64.getEncoder().withoutPadding().encodeToString(raw);
        String concordDigest = Base64.getEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(raw));
        random.nextBytes(raw);
        String notImported = Base64.getEncoder().withoutPadding().encodeToString(raw);

        assertThat(keys.verify(concordKey)).isInstanceOf(AuthenticationResult.Rejected.class);
        ApiKey imported = keys.importConcordKey(as(root), NewApiKey.forUser(alice.id()).withName("legacy"), concordDigest);
        assertThat(imported.format()).isEqualTo(ApiKey.KeyFormat.CONCORD);
        assertThat(keys.verify(concordKey)).isInstanceOfSatisfying(AuthenticationResult.Authenticated.class,
                a -> assertThat(a.identity().userId()).isEqualTo(alice.id()));
        assertThat(keys.verify(notImported)).isInstanceOf(AuthenticationResult.Rejected.class);
        keys.revoke(as(root), imported.id());
        assertThat(keys.verify(concordKey)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void malformedConcordShapedKeysNeverReachTheStore() {
        realm.close();
        realm = realm(ApiKeyRealm.builder("apikey", store, users).acceptConcordKeys(true));
        keys = realm.keys();
        // what Concord's Base64 decoder refuses: base64url characters, padding inside, a dangling character
        for (String bad : List.of("AAAAAAAAAAAAAAAAAAAA-A", "AAAAAAAAAAAAAAAAAAAA=A", "AAAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertThat(keys.verify(bad)).isNotInstanceOf(AuthenticationResult.Authenticated.class);
        }
        assertThat(store.digestLookups.get()).isZero();
        assertThat(keys.verify("AAAAAAAAAAAAAAAAAAAAAA")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(store.digestLookups.get()).isEqualTo(1);
        // stray low bits in the last character decode to the same bytes in Concord: the same key, the same lookup
        assertThat(keys.verify("AAAAAAAAAAAAAAAAAAAAAB")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void concordImportNeedsPermissionToChooseAValueAndAValidDigest() {
        assertRefused(() -> keys.importConcordKey(as(alice), NewApiKey.forUser(alice.id()), "x".repeat(43)),
                Reason.FORBIDDEN);
        assertRefused(() -> keys.importConcordKey(as(root), NewApiKey.forUser(alice.id()), "not-a-digest"),
                Reason.INVALID_KEY);
    }

    @Test
    void concordKeysAreNotReadUnlessEnabled() throws Exception {
        byte[] raw = new byte[16];
        new SecureRandom().nextBytes(raw);
        String concordKey = Base64.getEncoder().withoutPadding().encodeToString(raw);
        keys.importConcordKey(as(root), NewApiKey.forUser(alice.id()), Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(raw)));
        int before = store.digestLookups.get();
        assertThat(keys.verify(concordKey)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(store.digestLookups.get()).isEqualTo(before);
    }

    @Test
    void storeOutageIsABackendFailureForManagementAndUnavailableForVerification() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        IssuedApiKey other = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        store.down = true;
        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> keys.create(as(alice), NewApiKey.forUser(alice.id())),
                () -> keys.list(as(alice), alice.id()),
                () -> keys.revoke(as(alice), other.metadata().id()),
                () -> keys.revokeAll(as(alice), alice.id()),
                () -> keys.deleteExpired())) {
            assertThatThrownBy(call).isInstanceOf(BackendUnavailableException.class)
                    .isNotInstanceOf(ApiKeyException.class);
        }
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Unavailable.class);
        store.down = false;
        assertThat(keys.verify(issued.revealKey())).as("at once after the outage")
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(keys.list(as(alice), alice.id())).hasSize(2);
    }

    @Test
    void userDirectoryOutageIsABackendFailureForCreateAndUnavailableForVerification() {
        CountingUsers failing = new CountingUsers(users);
        realm.close();
        realm = realm(ApiKeyRealm.builder("apikey", store, failing));
        keys = realm.keys();
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        failing.down = true;
        assertThatThrownBy(() -> keys.create(as(alice), NewApiKey.forUser(alice.id())))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Unavailable.class);
        failing.down = false;
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void revokeThatFailsStillDropsTheKeyFromThisNodesCache() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()));
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
        CountingStore deleteFails = new CountingStore(store) {
            @Override
            public Optional<StoredApiKey> delete(UUID id) {
                super.delete(id); // the delete went through, but its answer was lost
                throw new BackendUnavailableException("test api-key store", "connection lost during commit", null);
            }
        };
        realm.close();
        realm = realm(ApiKeyRealm.builder("apikey", deleteFails, users));
        keys = realm.keys();
        assertThat(keys.verify(issued.revealKey())).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThatThrownBy(() -> keys.revoke(as(alice), issued.metadata().id()))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(keys.verify(issued.revealKey())).as("not served from the cache after the revoke")
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void verifyNeverThrowsOnGarbage() {
        for (String s : new String[] {null, "", " ", "gh_", "gh_" + "x".repeat(5000), "\u0000", "Basic abc"}) {
            assertThat(keys.verify(s)).isInstanceOf(AuthenticationResult.Rejected.class);
        }
    }
}
