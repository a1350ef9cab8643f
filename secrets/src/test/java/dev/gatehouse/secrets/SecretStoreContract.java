package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

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
        Instant t = Instant.parse("2026-11-29T12:00:00.123456Z");
        SecretMetadata m = SecretMetadata.of(UUID.nameUUIDFromBytes((org + name).getBytes()), org, name,
                        SecretType.KEY_PAIR, UUID.randomUUID(), Optional.of("k1"), t)
                .withVisibility(Visibility.PUBLIC).withProjects(Set.of("p1", "p2"))
                .withPublicKey(Optional.of("ssh-ed25519 AAAA test"))
                .withGrants(Map.of(Grantee.user(UUID.randomUUID()), AccessLevel.WRITER,
                        Grantee.team(UUID.randomUUID()), AccessLevel.READER))
                .withVersion(version, t.plus(1, ChronoUnit.HOURS));
        return new StoredSecret(m, envelope);
    }

    @Test
    void storesAndReturnsEveryField() {
        StoredSecret s = secret("acme", "full", 1, new byte[] {1, 2, 3, 0, (byte) 0xff});
        store.insert(s);
        StoredSecret back = store.find("acme", "full").orElseThrow();
        assertThat(back.metadata()).isEqualTo(s.metadata());
        assertThat(back.envelope()).isEqualTo(s.envelope());
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
        store.insert(secret("acme", "cas", 1, new byte[] {1}));
        assertThat(store.replace(secret("acme", "cas", 2, new byte[] {2}), 1)).isTrue();
        assertThat(store.replace(secret("acme", "cas", 2, new byte[] {3}), 1)).isFalse();
        assertThat(store.find("acme", "cas").orElseThrow().envelope()).containsExactly(2);
        assertThat(store.replace(secret("acme", "absent", 2, new byte[] {3}), 1)).isFalse();
        assertThat(store.find("acme", "absent")).isEmpty();
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
        store.insert(secret("acme", "one", 1, new byte[] {1}));
        store.insert(secret("acme", "two", 1, new byte[] {1}));
        assertThat(store.delete("acme", "one")).isTrue();
        assertThat(store.delete("acme", "one")).isFalse();
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
        ReencryptionReport report = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2))).reencryptAll();
        assertThat(report).isEqualTo(new ReencryptionReport(1, 0, 0, 0, 1));
        SecretManager after = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k2", k2)));
        assertThat(((SecretValue.Data) after.read(alice, "acme", "rotated")).asString()).isEqualTo("value");
        assertThat(after.encryptedStrings().decrypt("acme", "proj", enc)).isEqualTo("inline");
    }
}
