package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SecretStore} must do; one subclass per store. */
abstract class SecretStoreContract {

    protected SecretStore store;

    protected abstract SecretStore open() throws Exception;

    protected void cleanUp() throws Exception {}

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close();
        cleanUp();
    }

    static StoredSecret secret(String org, String name, long version, byte[] envelope) {
        return secret(UUID.nameUUIDFromBytes((org + name).getBytes(StandardCharsets.UTF_8)), org, name, version, envelope);
    }

    static StoredSecret secret(UUID id, String org, String name, long version, byte[] envelope) {
        Instant t = Instant.parse("2026-11-29T12:00:00.123456Z");
        SecretMetadata m = SecretMetadata.of(id, org, name,
                        SecretType.KEY_PAIR, UUID.randomUUID(), Optional.of("k1"), t)
                .withVisibility(Visibility.PUBLIC).withProjects(Set.of("p1", "p2"))
                .withPublicKey(Optional.of("ssh-ed25519 AAAA test"))
                .withGrants(Map.of(Grantee.user(UUID.randomUUID()), AccessLevel.WRITER,
                        Grantee.team(UUID.randomUUID()), AccessLevel.READER))
                .withVersion(version, t.plus(1, ChronoUnit.HOURS));
        return new StoredSecret(m, version, envelope);
    }

    @Test
    void storesAndReturnsEveryField() {
        StoredSecret s = secret("acme", "full", 1, new byte[] {1, 2, 3, 0, (byte) 0xff});
        store.insert(s);
        StoredSecret back = store.find("acme", "full").orElseThrow();
        assertThat(back.metadata()).isEqualTo(s.metadata());
        assertThat(back.envelope()).isEqualTo(s.envelope());
        assertThat(back.sealedVersion()).isEqualTo(1);
        assertThat(store.find("acme", "missing")).isEmpty();
        assertThat(store.find("other", "full")).isEmpty();
    }

    @Test
    void aDuplicateNameInTheSameOrgIsRefused() {
        store.insert(secret("acme", "dup", 1, new byte[] {1}));
        store.insert(secret("other", "dup", 1, new byte[] {3}));
        assertThatThrownBy(() -> store.insert(secret("acme", "dup", 1, new byte[] {2})))
                .isInstanceOf(SecretException.class).hasMessage("Secret already exists: dup");
        assertThat(store.find("acme", "dup").orElseThrow().envelope()).containsExactly(1);
    }

    @Test
    void replaceIsACompareAndSetOnTheVersion() {
        StoredSecret v1 = secret("acme", "cas", 1, new byte[] {1});
        store.insert(v1);
        assertThat(store.replace(v1.metadata(), secret("acme", "cas", 2, new byte[] {2}))).isTrue();
        assertThat(store.replace(v1.metadata(), secret("acme", "cas", 2, new byte[] {3}))).isFalse();
        assertThat(store.find("acme", "cas").orElseThrow().envelope()).containsExactly(2);
        StoredSecret absent = secret("acme", "absent", 1, new byte[] {3});
        assertThat(store.replace(absent.metadata(), secret("acme", "absent", 2, new byte[] {3}))).isFalse();
        assertThat(store.find("acme", "absent")).isEmpty();
        assertThatThrownBy(() -> store.replace(v1.metadata(), secret("acme", "other", 3, new byte[] {4})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWriterThatReadARecordNeverTouchesTheOneReCreatedUnderItsName() {
        StoredSecret first = secret(UUID.randomUUID(), "acme", "reborn", 1, new byte[] {1});
        store.insert(first);
        assertThat(store.delete(first.metadata())).isTrue();
        StoredSecret second = secret(UUID.randomUUID(), "acme", "reborn", 1, new byte[] {2});
        store.insert(second);
        // the same name and the same version 1, but another record: neither a stale replace nor a stale delete lands
        assertThat(store.replace(first.metadata(),
                secret(first.metadata().id(), "acme", "reborn", 2, new byte[] {3}))).isFalse();
        assertThat(store.delete(first.metadata())).isFalse();
        StoredSecret now = store.find("acme", "reborn").orElseThrow();
        assertThat(now.metadata().id()).isEqualTo(second.metadata().id());
        assertThat(now.envelope()).containsExactly(2);
        assertThat(now.metadata().version()).isEqualTo(1);
    }

    @Test
    void deleteIsACompareAndSetOnTheRecordRead() {
        StoredSecret v1 = secret("acme", "moving", 1, new byte[] {1});
        store.insert(v1);
        assertThat(store.replace(v1.metadata(), secret("acme", "moving", 2, new byte[] {2}))).isTrue();
        assertThat(store.delete(v1.metadata())).isFalse();
        assertThat(store.find("acme", "moving")).isPresent();
        assertThat(store.delete(store.find("acme", "moving").orElseThrow().metadata())).isTrue();
        assertThat(store.find("acme", "moving")).isEmpty();
    }

    @Test
    void theKeyRingRecordIsACompareAndSetOnItsVersion() {
        assertThat(store.findKeyRing()).isEmpty();
        assertThat(store.replaceKeyRing(0, new byte[] {1})).isTrue();
        assertThat(store.replaceKeyRing(0, new byte[] {2})).isFalse();
        assertThat(store.findKeyRing().orElseThrow().version()).isEqualTo(1);
        assertThat(store.findKeyRing().orElseThrow().content()).containsExactly(1);
        assertThat(store.replaceKeyRing(1, new byte[] {3})).isTrue();
        assertThat(store.replaceKeyRing(1, new byte[] {4})).isFalse();
        assertThat(store.findKeyRing().orElseThrow().version()).isEqualTo(2);
        assertThat(store.findKeyRing().orElseThrow().content()).containsExactly(3);
    }

    @Test
    void listIsPerOrgAndSortedByName() {
        store.insert(secret("acme", "zeta", 1, new byte[] {1}));
        store.insert(secret("acme", "alpha", 1, new byte[] {1}));
        store.insert(secret("other", "beta", 1, new byte[] {1}));
        assertThat(store.list("acme")).extracting(s -> s.metadata().name()).containsExactly("alpha", "zeta");
        assertThat(store.listAll()).hasSize(3);
    }

    @Test
    void deleteRemovesOnlyThatSecret() {
        StoredSecret one = secret("acme", "one", 1, new byte[] {1});
        store.insert(one);
        store.insert(secret("acme", "two", 1, new byte[] {1}));
        assertThat(store.delete(one.metadata())).isTrue();
        assertThat(store.delete(one.metadata())).isFalse();
        assertThat(store.list("acme")).extracting(s -> s.metadata().name()).containsExactly("two");
    }

    @Test
    void projectKeysAreStoredOnceAndTheFirstWriterWins() {
        assertThat(store.findProjectKey("acme", "p")).isEmpty();
        assertThat(store.insertProjectKeyIfAbsent("acme", "p", new byte[] {1})).containsExactly(1);
        assertThat(store.insertProjectKeyIfAbsent("acme", "p", new byte[] {2})).containsExactly(1);
        assertThat(store.replaceProjectKey("acme", "p", new byte[] {9}, new byte[] {3})).isFalse();
        assertThat(store.replaceProjectKey("acme", "p", new byte[] {1}, new byte[] {3})).isTrue();
        assertThat(store.findProjectKey("acme", "p").orElseThrow()).containsExactly(3);
        assertThat(store.projectKeys()).containsExactly(new SecretStore.ProjectKeyId("acme", "p"));
    }

    @Test
    void aManagerOnThisStoreWorksEndToEnd() {
        SecretManager secrets = Fixtures.manager(store, ServerKeyRing.generate("k1"));
        Caller alice = Fixtures.member();
        secrets.create(alice, NewSecret.builder("acme", "e2e", SecretValue.ofString("value")).build());
        secrets.update(alice, "acme", "e2e", SecretUpdate.builder().value(SecretValue.ofString("value2")).build());
        assertThat(((SecretValue.Data) secrets.read(alice, "acme", "e2e")).asString()).isEqualTo("value2");
        String enc = secrets.encryptedStrings().encrypt("acme", "proj", "inline");
        assertThat(secrets.encryptedStrings().decrypt("acme", "proj", enc)).isEqualTo("inline");
        secrets.grant(alice, "acme", "e2e", Grantee.team(UUID.randomUUID()), AccessLevel.READER);
        assertThat(secrets.list(alice, "acme")).singleElement().satisfies(m -> assertThat(m.grants()).hasSize(1));
    }

    /** Everything this store holds, as bytes, for scanning; stores that persist override it. */
    protected byte[] rawContents() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StoredSecret s : store.listAll()) {
            out.write(s.envelope());
            out.write(s.metadata().toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void theStoreNeverSeesAValueOrAStorePassword() throws Exception {
        SecretManager secrets = Fixtures.manager(store, ServerKeyRing.generate("k1"));
        Caller alice = Fixtures.member();
        secrets.create(alice, NewSecret.builder("acme", "plain", SecretValue.ofString("PLAINTEXT-MARKER-1")).build());
        secrets.create(alice, NewSecret.builder("acme", "creds",
                SecretValue.usernamePassword("user", "PLAINTEXT-MARKER-2".toCharArray()))
                .storePassword("PasswordMarker3".toCharArray()).build());
        secrets.encryptedStrings().encrypt("acme", "proj", "PLAINTEXT-MARKER-4");
        String raw = new String(rawContents(), StandardCharsets.ISO_8859_1);
        assertThat(raw).isNotEmpty().doesNotContain("PLAINTEXT-MARKER").doesNotContain("PasswordMarker3");
    }

    @Test
    void rotationMovesEverythingInThisStoreToTheNewKey() {
        byte[] k1 = ServerKeyRing.generateKeyMaterial();
        byte[] k2 = ServerKeyRing.generateKeyMaterial();
        Caller alice = Fixtures.member();
        SecretManager before = Fixtures.manager(store, ServerKeyRing.of("k1", Map.of("k1", k1)));
        before.create(alice, NewSecret.builder("acme", "rotated", SecretValue.ofString("value")).build());
        String enc = before.encryptedStrings().encrypt("acme", "proj", "inline");
        before.close();
        // the one live node is configured with k2 as its primary, so k2 becomes the cluster's primary
        SecretManager rotated = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2)));
        assertThat(rotated.keyRing().primary()).contains("k2");
        ReencryptionReport report = rotated.reencryptAll();
        assertThat(report).isEqualTo(new ReencryptionReport(1, 1, 0, 0, 0, 1, 0));
        rotated.retireKey("k1");
        SecretManager after = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k2", k2)));
        assertThat(((SecretValue.Data) after.read(alice, "acme", "rotated")).asString()).isEqualTo("value");
        assertThat(after.encryptedStrings().decrypt("acme", "proj", enc)).isEqualTo("inline");
    }
}
