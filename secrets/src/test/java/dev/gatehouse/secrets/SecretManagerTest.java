package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretManagerTest {

    private final SecretStore store = SecretStore.inMemory();
    private final ServerKeyRing ring = ServerKeyRing.generate("k1");
    private final SecretManager secrets = Fixtures.manager(store, ring);
    private final Caller alice = Fixtures.member();

    static void assertKind(ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOf(SecretException.class)
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(kind));
    }

    private SecretMetadata createString(String name, String value) {
        return secrets.create(alice, NewSecret.builder(ORG, name, SecretValue.ofString(value)).build());
    }

    @Test
    void aStringSecretIsStoredSealedAndReadBack() {
        SecretMetadata m = createString("db-password", "tiger");
        assertThat(m.type()).isEqualTo(SecretType.DATA);
        assertThat(m.owner()).isEqualTo(alice.userId());
        assertThat(m.visibility()).isEqualTo(Visibility.PRIVATE);
        assertThat(m.serverKeyId()).contains("k1");
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.createdAt()).isEqualTo(Fixtures.CLOCK.instant());
        byte[] stored = store.find(ORG, "db-password").orElseThrow().envelope();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("tiger");
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "db-password")).asString()).isEqualTo("tiger");
    }

    @Test
    void binaryAndUsernamePasswordSecretsKeepTheirShape() {
        byte[] file = {0, 1, 2, (byte) 0xff, 0};
        secrets.create(alice, NewSecret.builder(ORG, "blob", SecretValue.ofBytes(file.clone())).build());
        secrets.create(alice, NewSecret.builder(ORG, "git-creds",
                SecretValue.usernamePassword("deploy", "pä55wörd".toCharArray())).build());
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "blob")).bytes()).isEqualTo(file);
        SecretValue.UsernamePassword up = (SecretValue.UsernamePassword) secrets.read(alice, ORG, "git-creds");
        assertThat(up.username()).isEqualTo("deploy");
        assertThat(up.password()).isEqualTo("pä55wörd".toCharArray());
        assertThat(up.toString()).doesNotContain("pä55wörd");
    }

    @Test
    void duplicateNamesAreRefused() {
        createString("token", "a");
        assertThatThrownBy(() -> createString("token", "b"))
                .isInstanceOf(SecretException.class).hasMessage("Secret already exists: token");
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "token")).asString()).isEqualTo("a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "../etc", "a/b", "-leading", "with space", "tab\there", "ü-name", ".hidden",
            "x2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"})
    void invalidNamesAreRefused(String name) {
        assertThatThrownBy(() -> createString(name, "v"))
                .isInstanceOf(SecretException.class).hasMessageStartingWith("Invalid secret name");
        assertThat(store.list(ORG)).isEmpty();
    }

    @Test
    void validNamesInConcordStyleAreAccepted() {
        for (String n : List.of("abc", "my.secret", "user@host", "a_b-c~d")) {
            createString(n, "v");
        }
        assertThat(store.list(ORG)).hasSize(4);
    }

    @Test
    void anOverSizeSecretIsRefusedAndTheLimitItselfIsAccepted() {
        SecretManager small = SecretManager.builder().store(store).keyRing(ring).maxValueBytes(1024).build();
        small.create(alice, NewSecret.builder(ORG, "exactly", SecretValue.ofBytes(new byte[1024])).build());
        assertThatThrownBy(() -> small.create(alice, NewSecret.builder(ORG, "too-big", SecretValue.ofBytes(new byte[1025])).build()))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("1025 bytes, more than the limit of 1024 bytes");
        assertThat(store.find(ORG, "too-big")).isEmpty();
    }

    @Test
    void anUpdateToAnOverSizeValueIsRefusedAndTheOldValueStays() {
        SecretManager small = SecretManager.builder().store(store).keyRing(ring).maxValueBytes(16).build();
        small.create(alice, NewSecret.builder(ORG, "small", SecretValue.ofString("fits")).build());
        assertKind(() -> small.update(alice, ORG, "small", SecretUpdate.builder().value(SecretValue.ofBytes(new byte[17])).build()),
                Kind.TOO_LARGE);
        assertThat(((SecretValue.Data) small.read(alice, ORG, "small")).asString()).isEqualTo("fits");
        assertKind(() -> small.create(alice, NewSecret.builder(ORG, "creds",
                SecretValue.usernamePassword("user", new char[13])).build()), Kind.TOO_LARGE);
    }

    @Test
    void projectRestrictionsAndGrantsAreBounded() {
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 33; i++) {
            many.add("p" + i);
        }
        assertThatThrownBy(() -> secrets.create(alice, NewSecret.builder(ORG, "scoped", SecretValue.ofString("v")).projects(many).build()))
                .hasMessageContaining("at most 32 projects");
        assertThatThrownBy(() -> secrets.create(alice, NewSecret.builder(ORG, "scoped", SecretValue.ofString("v"))
                .projects(Set.of("ok", "not/ok")).build()))
                .hasMessageStartingWith("Invalid project name");
        createString("granted", "v");
        for (int i = 0; i < 256; i++) {
            secrets.grant(alice, ORG, "granted", Grantee.user(UUID.randomUUID()), AccessLevel.READER);
        }
        assertThatThrownBy(() -> secrets.grant(alice, ORG, "granted", Grantee.team(UUID.randomUUID()), AccessLevel.READER))
                .hasMessageContaining("at most 256 grants");
    }

    @Test
    void theDefaultLimitIsOneMebibyte() {
        secrets.create(alice, NewSecret.builder(ORG, "one-mib", SecretValue.ofBytes(new byte[1024 * 1024])).build());
        assertKind(() -> secrets.create(alice, NewSecret.builder(ORG, "more", SecretValue.ofBytes(new byte[1024 * 1024 + 1]))
                .build()), Kind.TOO_LARGE);
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "one-mib")).bytes()).hasSize(1024 * 1024);
    }

    @Test
    void listReturnsMetadataOfVisibleSecretsOnly() {
        createString("mine", "1");
        secrets.create(alice, NewSecret.builder(ORG, "public-one", SecretValue.ofString("2")).visibility(Visibility.PUBLIC).build());
        Caller bob = Fixtures.member();
        secrets.create(bob, NewSecret.builder(ORG, "bobs", SecretValue.ofString("3")).build());
        assertThat(secrets.list(alice, ORG)).extracting(SecretMetadata::name).containsExactly("mine", "public-one");
        assertThat(secrets.list(bob, ORG)).extracting(SecretMetadata::name).containsExactly("bobs", "public-one");
        assertThat(secrets.list(Fixtures.admin(), ORG)).hasSize(3);
        assertThat(secrets.list(Fixtures.outsider(), ORG)).isEmpty();
    }

    @Test
    void passwordProtectedSecretOpensOnlyWithItsPassword() {
        SecretMetadata m = secrets.create(alice, NewSecret.builder(ORG, "vault", SecretValue.ofString("gold"))
                .storePassword("Opensesame1".toCharArray()).build());
        assertThat(m.passwordProtected()).isTrue();
        assertThat(m.serverKeyId()).isEmpty();
        assertThat(SecretEnvelope.header(store.find(ORG, "vault").orElseThrow().envelope()).argon2())
                .contains(Argon2Parameters.owaspMinimum());
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "vault", "Opensesame1".toCharArray())).asString())
                .isEqualTo("gold");
    }

    @Test
    void wrongAndEmptyStorePasswordsAreRefusedWithOneMessage() {
        secrets.create(alice, NewSecret.builder(ORG, "vault", SecretValue.ofString("gold"))
                .storePassword("Opensesame1".toCharArray()).build());
        assertThatThrownBy(() -> secrets.read(alice, ORG, "vault", "Opensesame2".toCharArray()))
                .isInstanceOf(SecretException.class).hasMessage("Invalid password or corrupted data");
        assertThatThrownBy(() -> secrets.read(alice, ORG, "vault", new char[0]))
                .isInstanceOf(SecretException.class).hasMessage("Invalid password or corrupted data");
        assertKind(() -> secrets.read(alice, ORG, "vault"), Kind.INVALID_PASSWORD);
    }

    @Test
    void aWrongCurrentPasswordChangesNothing() {
        secrets.create(alice, NewSecret.builder(ORG, "vault", SecretValue.ofString("gold"))
                .storePassword("Opensesame1".toCharArray()).build());
        StoredSecret before = store.find(ORG, "vault").orElseThrow();
        assertThatThrownBy(() -> secrets.update(alice, ORG, "vault", SecretUpdate.builder()
                .value(SecretValue.ofString("lead")).currentPassword("Wrongpass1".toCharArray())
                .newPassword("Newpass123".toCharArray()).build()))
                .hasMessage("Invalid password or corrupted data");
        StoredSecret after = store.find(ORG, "vault").orElseThrow();
        assertThat(after.metadata()).isEqualTo(before.metadata());
        assertThat(after.envelope()).isEqualTo(before.envelope());
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "vault", "Opensesame1".toCharArray())).asString())
                .isEqualTo("gold");
    }

    @Test
    void storePasswordsMustMeetThePolicy() {
        assertThatThrownBy(() -> secrets.create(alice, NewSecret.builder(ORG, "weak", SecretValue.ofString("x"))
                .storePassword("short".toCharArray()).build()))
                .isInstanceOf(SecretException.class).hasMessageContaining("at least 7 characters");
        assertThat(store.find(ORG, "weak")).isEmpty();
    }

    @Test
    void theStorePasswordCanBeChangedAddedAndRemoved() {
        createString("rotating", "v1");
        secrets.update(alice, ORG, "rotating", SecretUpdate.builder().newPassword("Firstpass1".toCharArray()).build());
        assertThat(secrets.metadata(alice, ORG, "rotating").passwordProtected()).isTrue();
        secrets.update(alice, ORG, "rotating", SecretUpdate.builder().currentPassword("Firstpass1".toCharArray())
                .newPassword("Secondpass2".toCharArray()).build());
        assertThatThrownBy(() -> secrets.read(alice, ORG, "rotating", "Firstpass1".toCharArray()))
                .hasMessage("Invalid password or corrupted data");
        SecretMetadata m = secrets.update(alice, ORG, "rotating", SecretUpdate.builder()
                .currentPassword("Secondpass2".toCharArray()).removePassword().value(SecretValue.ofString("v2")).build());
        assertThat(m.passwordProtected()).isFalse();
        assertThat(m.serverKeyId()).contains("k1");
        assertThat(m.version()).isEqualTo(4);
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "rotating")).asString()).isEqualTo("v2");
    }

    @Test
    void generatedPasswordsAreAcceptedAsStorePasswords() {
        char[] pw = secrets.generatePassword();
        secrets.create(alice, NewSecret.builder(ORG, "generated", SecretValue.ofString("x")).storePassword(pw.clone()).build());
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "generated", pw)).asString()).isEqualTo("x");
    }

    @Test
    void aCiphertextMovedToAnotherSecretDoesNotOpen() {
        createString("first", "one");
        createString("second", "two");
        StoredSecret first = store.find(ORG, "first").orElseThrow();
        StoredSecret second = store.find(ORG, "second").orElseThrow();
        overwriteAtRest(store, new StoredSecret(second.metadata(), second.sealedVersion(), first.envelope()));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "second"))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("belongs to another secret")
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.CORRUPTED));
    }

    @Test
    void aPasswordCiphertextMovedToAnotherSecretDoesNotOpenEvenWithThePassword() {
        for (String n : List.of("first", "second")) {
            secrets.create(alice, NewSecret.builder(ORG, n, SecretValue.ofString(n)).storePassword("Samepass1".toCharArray()).build());
        }
        StoredSecret first = store.find(ORG, "first").orElseThrow();
        StoredSecret second = store.find(ORG, "second").orElseThrow();
        overwriteAtRest(store, new StoredSecret(second.metadata(), second.sealedVersion(), first.envelope()));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "second", "Samepass1".toCharArray()))
                .hasMessage("Invalid password or corrupted data");
    }

    @Test
    void aTamperedOrTruncatedStoredEnvelopeIsReportedAsCorrupted() {
        createString("victim", "value");
        StoredSecret s = store.find(ORG, "victim").orElseThrow();
        byte[] tampered = s.envelope().clone();
        tampered[tampered.length - 1] ^= 1;
        overwriteAtRest(store, new StoredSecret(s.metadata(), s.sealedVersion(), tampered));
        assertKind(() -> secrets.read(alice, ORG, "victim"), Kind.CORRUPTED);
        overwriteAtRest(store, new StoredSecret(s.metadata(), s.sealedVersion(), Arrays.copyOf(s.envelope(), 20)));
        assertKind(() -> secrets.read(alice, ORG, "victim"), Kind.CORRUPTED);
    }

    /** What someone with write access to the store's files or tables does: replaces a record in place. */
    static void overwriteAtRest(SecretStore store, StoredSecret replacement) {
        SecretMetadata m = replacement.metadata();
        assertThat(store.delete(store.find(m.org(), m.name()).orElseThrow().metadata())).isTrue();
        store.insert(replacement);
    }

    @Test
    void aSecretSealedWithAnUnknownKeyIdNamesTheKey() {
        createString("old", "value");
        // a node without the key the cluster seals with is refused at start, naming the setting
        assertThatThrownBy(() -> Fixtures.manager(store, ServerKeyRing.generate("k2")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: missing on this node");
        // an envelope under a key a node lacks (here: put there at rest) names the key, and is a 503, not a 500
        StoredSecret s = store.find(ORG, "old").orElseThrow();
        byte[] underLostKey = SecretEnvelope.withServerKeys(ServerKeyRing.generate("lost")).seal(new byte[] {1}, new byte[0]);
        overwriteAtRest(store, new StoredSecret(s.metadata(), s.sealedVersion(), underLostKey));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "old"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("Server key 'lost' is not configured on this node")
                .satisfies(e -> assertThat(((KeyUnavailableException) e).keyId()).isEqualTo("lost"))
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.KEY_UNAVAILABLE));
    }

    @Test
    void reencryptionMovesServerKeySecretsToThePrimaryAndSkipsPasswordProtectedOnes() {
        byte[] k1 = ServerKeyRing.generateKeyMaterial();
        byte[] k2 = ServerKeyRing.generateKeyMaterial();
        SecretStore store = SecretStore.inMemory();
        SecretManager before = Fixtures.manager(store, ServerKeyRing.of("k1", Map.of("k1", k1)));
        for (int i = 0; i < 3; i++) {
            before.create(alice, NewSecret.builder(ORG, "sec" + i, SecretValue.ofString("v" + i)).build());
        }
        before.create(alice, NewSecret.builder(ORG, "pw-protected", SecretValue.ofString("p")).storePassword("Passw0rd1".toCharArray()).build());
        String encrypted = before.encryptedStrings().encrypt(ORG, "proj", "inline");
        before.close();

        SecretManager rotated = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2)));
        assertThat(((SecretValue.Data) rotated.read(alice, ORG, "sec0")).asString()).isEqualTo("v0");
        ReencryptionReport report = rotated.reencryptAll();
        assertThat(report).isEqualTo(new ReencryptionReport(4, 3, 1, 0, 1, 1, 0));
        assertThat(rotated.reencryptAll()).isEqualTo(new ReencryptionReport(4, 0, 4, 0, 1, 0, 0));
        rotated.retireKey("k1");

        SecretManager onlyNewKey = Fixtures.manager(store, ServerKeyRing.of("k2", Map.of("k2", k2)));
        for (int i = 0; i < 3; i++) {
            assertThat(onlyNewKey.metadata(alice, ORG, "sec" + i).serverKeyId()).contains("k2");
            assertThat(((SecretValue.Data) onlyNewKey.read(alice, ORG, "sec" + i)).asString()).isEqualTo("v" + i);
        }
        assertThat(onlyNewKey.encryptedStrings().decrypt(ORG, "proj", encrypted)).isEqualTo("inline");
    }

    @Test
    void reencryptionThatLosesARaceToAnUpdateRetriesAndKeepsTheUpdate() {
        byte[] k1 = ServerKeyRing.generateKeyMaterial();
        byte[] k2 = ServerKeyRing.generateKeyMaterial();
        SecretStore store = SecretStore.inMemory();
        try (SecretManager creator = Fixtures.manager(store, ServerKeyRing.of("k1", Map.of("k1", k1)))) {
            creator.create(alice, NewSecret.builder(ORG, "busy", SecretValue.ofString("before")).build());
        }
        ServerKeyRing both = ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2));
        SecretManager user = Fixtures.manager(store, both);
        boolean[] raced = {false};
        SecretStore racing = new DelegatingStore(store) {
            @Override
            public boolean replace(SecretMetadata expected, StoredSecret next) {
                if (!raced[0]) {
                    raced[0] = true; // a user's update lands between the re-encryption's read and write
                    user.update(alice, ORG, "busy", SecretUpdate.builder().value(SecretValue.ofString("during")).build());
                }
                return d.replace(expected, next);
            }
        };
        ReencryptionReport report = Fixtures.manager(racing, both).reencryptAll();
        // the user's update already sealed with the new primary, so the retry finds it current
        assertThat(report).isEqualTo(new ReencryptionReport(1, 0, 1, 0, 0, 0, 0));
        assertThat(((SecretValue.Data) user.read(alice, ORG, "busy")).asString()).isEqualTo("during");
        assertThat(user.metadata(alice, ORG, "busy").serverKeyId()).contains("k2");
    }

    @Test
    void reencryptionReportsSecretsWhoseKeyIsMissingAndCarriesOn() {
        createString("orphan", "x");
        createString("fine", "y");
        StoredSecret orphan = store.find(ORG, "orphan").orElseThrow();
        byte[] underLostKey = SecretEnvelope.withServerKeys(ServerKeyRing.generate("lost")).seal(new byte[] {1}, new byte[0]);
        overwriteAtRest(store, new StoredSecret(orphan.metadata(), orphan.sealedVersion(), underLostKey));
        secrets.close();
        ServerKeyRing next = ring.plus(ServerKeyRing.generate("k2"));
        ReencryptionReport report = Fixtures.manager(store, next).reencryptAll();
        assertThat(report).isEqualTo(new ReencryptionReport(2, 1, 0, 1, 0, 0, 0));
        assertThat(report.complete()).isFalse();
        assertThat(store.find(ORG, "orphan").orElseThrow().envelope()).isEqualTo(underLostKey);
    }

    @Test
    void aPasswordGivenForASecretWithoutOneIsRefused() {
        createString("plain", "v");
        assertThatThrownBy(() -> secrets.read(alice, ORG, "plain", "Whatever1".toCharArray()))
                .hasMessage("Secret plain has no store password");
    }

    @Test
    void anUpdateBasedOnAnOldVersionIsAConflictAndLosesNothing() {
        createString("shared", "v1");
        long read = secrets.metadata(alice, ORG, "shared").version();
        secrets.update(alice, ORG, "shared", SecretUpdate.builder().value(SecretValue.ofString("first")).expectedVersion(read).build());
        assertThatThrownBy(() -> secrets.update(alice, ORG, "shared", SecretUpdate.builder()
                .value(SecretValue.ofString("second")).expectedVersion(read).build()))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("changed concurrently");
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "shared")).asString()).isEqualTo("first");
    }

    @Test
    void aStoreThatFailsOnWriteLeavesTheOldValueReadable() {
        createString("stable", "old");
        SecretStore failing = new DelegatingStore(store) {
            @Override
            public boolean replace(SecretMetadata expected, StoredSecret next) {
                throw new BackendUnavailableException("secret store", "cannot update a secret", null);
            }
        };
        SecretManager m = Fixtures.manager(failing, ring);
        assertThatThrownBy(() -> m.update(alice, ORG, "stable", SecretUpdate.builder().value(SecretValue.ofString("new")).build()))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(((SecretValue.Data) m.read(alice, ORG, "stable")).asString()).isEqualTo("old");
        assertThat(m.metadata(alice, ORG, "stable").version()).isEqualTo(1);
    }

    @Test
    void keyPairSecretsExposeTheirPublicKeyWithoutAPassword() {
        SecretValue.KeyPair kp = SshKeys.generate();
        SecretValue.KeyPair copy = new SecretValue.KeyPair(kp.publicKey(), kp.privateKey().clone());
        secrets.create(alice, NewSecret.builder(ORG, "deploy-key", copy).storePassword("Keypass12".toCharArray()).build());
        assertThat(secrets.readPublicKey(alice, ORG, "deploy-key")).isEqualTo(kp.publicKey());
        assertThat(secrets.read(alice, ORG, "deploy-key", "Keypass12".toCharArray())).isEqualTo(kp);
        createString("not-a-key", "x");
        assertKind(() -> secrets.readPublicKey(alice, ORG, "not-a-key"), Kind.INVALID_INPUT);
    }

    @Test
    void aKeyPairWhoseHalvesDoNotMatchIsRefused() {
        SecretValue.KeyPair a = SshKeys.generate();
        SecretValue.KeyPair b = SshKeys.generate();
        assertThatThrownBy(() -> secrets.create(alice, NewSecret.builder(ORG, "mixed",
                new SecretValue.KeyPair(a.publicKey(), b.privateKey())).build()))
                .hasMessage("The public and private keys do not belong together");
    }

    @Test
    void theManagerWipesThePasswordsAndValuesItWasGiven() {
        char[] password = "Opensesame1".toCharArray();
        byte[] value = "gold".getBytes(StandardCharsets.UTF_8);
        secrets.create(alice, NewSecret.builder(ORG, "wiped", SecretValue.ofBytes(value)).storePassword(password).build());
        assertThat(password).containsOnly('\0');
        assertThat(value).containsOnly(0);
        char[] again = "Opensesame1".toCharArray();
        secrets.read(alice, ORG, "wiped", again);
        assertThat(again).containsOnly('\0');
    }

    @Test
    void deleteRemovesTheSecret() {
        createString("gone", "x");
        secrets.delete(alice, ORG, "gone");
        assertKind(() -> secrets.read(alice, ORG, "gone"), Kind.NOT_FOUND);
        assertThat(store.find(ORG, "gone")).isEmpty();
    }

    @Test
    void valuesArePassedThroughOptionalNeverNull() {
        assertThat(secrets.metadata(alice, ORG, createString("meta", "v").name()).publicKey()).isEqualTo(Optional.empty());
    }

    /** Forwards everything; tests override what should misbehave. */
    static class DelegatingStore implements SecretStore {
        final SecretStore d;

        DelegatingStore(SecretStore d) {
            this.d = d;
        }

        @Override
        public Optional<StoredSecret> find(String org, String name) {
            return d.find(org, name);
        }

        @Override
        public List<StoredSecret> list(String org) {
            return d.list(org);
        }

        @Override
        public List<StoredSecret> listAll() {
            return d.listAll();
        }

        @Override
        public void insert(StoredSecret secret) {
            d.insert(secret);
        }

        @Override
        public boolean replace(SecretMetadata expected, StoredSecret next) {
            return d.replace(expected, next);
        }

        @Override
        public boolean delete(SecretMetadata expected) {
            return d.delete(expected);
        }

        @Override
        public Optional<KeyRingRecord> findKeyRing() {
            return d.findKeyRing();
        }

        @Override
        public boolean replaceKeyRing(long expectedVersion, byte[] content) {
            return d.replaceKeyRing(expectedVersion, content);
        }

        @Override
        public Optional<byte[]> findProjectKey(String org, String project) {
            return d.findProjectKey(org, project);
        }

        @Override
        public byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped) {
            return d.insertProjectKeyIfAbsent(org, project, wrapped);
        }

        @Override
        public boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped) {
            return d.replaceProjectKey(org, project, expected, wrapped);
        }

        @Override
        public List<ProjectKeyId> projectKeys() {
            return d.projectKeys();
        }
    }
}
