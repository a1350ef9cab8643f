package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static dev.gatehouse.secrets.SecretManagerTest.overwriteAtRest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.internal.DefaultSecretManager;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12 item 4, at rest: an envelope opens only for the record it was sealed for, as the caller
 * asked for it (org, name, the record's id and type) and at the version it was sealed at. Someone who
 * can write the store's files or rows can neither make one secret answer with another's value nor
 * put an older envelope back under a newer record. Every store, since the binding is the manager's.
 */
class RecordBindingTest {

    @TempDir
    Path dir;

    private PostgresSchema schema;
    private DataSource dataSource;
    private final ServerKeyRing ring = ServerKeyRing.generate("k1");
    private final Caller alice = Fixtures.member();

    private SecretStore open(String kind) {
        return switch (kind) {
            case "memory" -> SecretStore.inMemory();
            case "file" -> SecretStore.file(dir.resolve("store"));
            case "h2" -> Fixtures.jdbc(dataSource = H2Database.create());
            default -> {
                schema = PostgresSchema.create("binding");
                yield Fixtures.jdbc(dataSource = schema.dataSource());
            }
        };
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }

    private SecretMetadata create(SecretManager secrets, String name, String value, String password) {
        NewSecret.Builder b = NewSecret.builder(ORG, name, SecretValue.ofString(value));
        if (password != null) {
            b.storePassword(password.toCharArray());
        }
        return secrets.create(alice, b.build());
    }

    private String read(SecretManager secrets, String name) {
        return ((SecretValue.Data) secrets.read(alice, ORG, name)).asString();
    }

    private void update(SecretManager secrets, String name, String value) {
        secrets.update(alice, ORG, name, SecretUpdate.builder().value(SecretValue.ofString(value)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "h2", "postgresql"})
    void anotherRecordsEnvelopeUnderAVictimsRecordDoesNotOpen(String kind) {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "victim", "victim-value", null);
        create(secrets, "attacker", "attacker-value", null);
        StoredSecret victim = store.find(ORG, "victim").orElseThrow();
        StoredSecret attacker = store.find(ORG, "attacker").orElseThrow();
        // the attacker's envelope and sealed version under the victim's metadata
        overwriteAtRest(store, new StoredSecret(victim.metadata(), attacker.sealedVersion(), attacker.envelope()));
        assertKind(() -> secrets.read(alice, ORG, "victim"), Kind.CORRUPTED);
        // the attacker's whole record (its metadata says "attacker") at the victim's place: a store that
        // hands it out for "victim" is caught by the manager, whatever the store
        SecretStore lying = new SecretManagerTest.DelegatingStore(store) {
            @Override
            public Optional<StoredSecret> find(String org, String name) {
                return d.find(org, name.equals("victim") ? "attacker" : name);
            }
        };
        SecretManager overLyingStore = Fixtures.manager(lying, ring);
        assertKind(() -> overLyingStore.read(alice, ORG, "victim"), Kind.CORRUPTED);
        assertKind(() -> overLyingStore.metadata(alice, ORG, "victim"), Kind.CORRUPTED);
        assertThat(read(secrets, "attacker")).isEqualTo("attacker-value");
    }

    @Test
    void aRecordFileCopiedOverAnothersPathIsRefusedNotServed() throws Exception {
        SecretStore store = open("file");
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "victim", "victim-value", null);
        create(secrets, "attacker", "attacker-value", null);
        Path org = dir.resolve("store").resolve("secrets").resolve(hex(ORG));
        Files.copy(org.resolve(hex("attacker") + ".secret"), org.resolve(hex("victim") + ".secret"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> secrets.read(alice, ORG, "victim"))
                .isInstanceOf(SecretException.class)
                .hasMessageNotContaining("attacker-value")
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.CORRUPTED));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRowWhoseEnvelopeWasCopiedFromAnotherRowDoesNotOpen(String kind) throws Exception {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "victim", "victim-value", null);
        create(secrets, "attacker", "attacker-value", null);
        sql("UPDATE gh_secrets SET envelope = (SELECT envelope FROM gh_secrets WHERE name = 'attacker'), "
                + "sealed_version = (SELECT sealed_version FROM gh_secrets WHERE name = 'attacker') WHERE name = 'victim'");
        assertKind(() -> secrets.read(alice, ORG, "victim"), Kind.CORRUPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "h2", "postgresql"})
    void anOlderEnvelopePutBackUnderANewerVersionDoesNotOpen(String kind) {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "rolled", "old-value", null);
        StoredSecret old = store.find(ORG, "rolled").orElseThrow();
        update(secrets, "rolled", "new-value");
        StoredSecret now = store.find(ORG, "rolled").orElseThrow();
        assertThat(now.metadata().version()).isEqualTo(2);
        assertThat(now.sealedVersion()).isEqualTo(2);

        // the old envelope alone
        overwriteAtRest(store, new StoredSecret(now.metadata(), now.sealedVersion(), old.envelope()));
        assertKind(() -> secrets.read(alice, ORG, "rolled"), Kind.CORRUPTED);
        // the old envelope and its sealed version, under the newer record
        overwriteAtRest(store, new StoredSecret(now.metadata(), old.sealedVersion(), old.envelope()));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "rolled"))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("an older envelope was put back");
        overwriteAtRest(store, now);
        assertThat(read(secrets, "rolled")).isEqualTo("new-value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void anAccessChangeAlsoMovesTheVersionTheEnvelopeBinds(String kind) {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "granted", "value", null);
        StoredSecret before = store.find(ORG, "granted").orElseThrow();
        secrets.grant(alice, ORG, "granted", Grantee.user(UUID.randomUUID()), AccessLevel.READER);
        StoredSecret after = store.find(ORG, "granted").orElseThrow();
        assertThat(after.sealedVersion()).isEqualTo(after.metadata().version()).isEqualTo(2);
        overwriteAtRest(store, new StoredSecret(after.metadata(), before.sealedVersion(), before.envelope()));
        assertKind(() -> secrets.read(alice, ORG, "granted"), Kind.CORRUPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anOlderEnvelopeRestoredInTheDatabaseDoesNotOpen(String kind) throws Exception {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "rolled", "old-value", null);
        byte[] old = store.find(ORG, "rolled").orElseThrow().envelope();
        update(secrets, "rolled", "new-value");
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE gh_secrets SET envelope = ? WHERE name = 'rolled'")) {
            s.setBytes(1, old);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        assertKind(() -> secrets.read(alice, ORG, "rolled"), Kind.CORRUPTED);
        sql("UPDATE gh_secrets SET sealed_version = 1 WHERE name = 'rolled'");
        assertKind(() -> secrets.read(alice, ORG, "rolled"), Kind.CORRUPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "h2", "postgresql"})
    void anOlderPasswordEnvelopeDoesNotOpenEvenWithItsPassword(String kind) {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        create(secrets, "guarded", "old-value", "Samepass1");
        StoredSecret old = store.find(ORG, "guarded").orElseThrow();
        secrets.update(alice, ORG, "guarded", SecretUpdate.builder().value(SecretValue.ofString("new-value"))
                .currentPassword("Samepass1".toCharArray()).build());
        StoredSecret now = store.find(ORG, "guarded").orElseThrow();
        assertThat(now.sealedVersion()).isEqualTo(2);
        overwriteAtRest(store, new StoredSecret(now.metadata(), now.sealedVersion(), old.envelope()));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "guarded", "Samepass1".toCharArray()))
                .hasMessage("Invalid password or corrupted data");
        // an access change keeps a password-protected envelope (it needs the password to re-seal)
        overwriteAtRest(store, now);
        secrets.grant(alice, ORG, "guarded", Grantee.user(UUID.randomUUID()), AccessLevel.READER);
        StoredSecret granted = store.find(ORG, "guarded").orElseThrow();
        assertThat(granted.metadata().version()).isEqualTo(3);
        assertThat(granted.sealedVersion()).isEqualTo(2);
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "guarded", "Samepass1".toCharArray())).asString())
                .isEqualTo("new-value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "h2", "postgresql"})
    void anEnvelopeOfFormatOneStillOpensAndTheSweepMovesItToFormatTwo(String kind) throws Exception {
        SecretStore store = open(kind);
        SecretManager secrets = Fixtures.manager(store, ring);
        SecretMetadata m = create(secrets, "legacy", "placeholder", null);
        // what a Gatehouse before envelope format 2 stored: the format-1 binding, no sealed version
        byte[] plain = "legacy-value".getBytes(StandardCharsets.UTF_8);
        byte[] envelope = SecretEnvelopeTest.formatOne(ring, plain,
                DefaultSecretManager.binding(1, m.id(), ORG, "legacy", SecretType.DATA, 0));
        overwriteAtRest(store, new StoredSecret(m, 0, envelope));
        assertThat(store.find(ORG, "legacy").orElseThrow().sealedVersion()).isZero();
        assertThat(read(secrets, "legacy")).isEqualTo("legacy-value");

        assertThat(secrets.reencryptAll()).isEqualTo(new ReencryptionReport(1, 1, 0, 0, 0, 0, 0));
        StoredSecret moved = store.find(ORG, "legacy").orElseThrow();
        assertThat(SecretEnvelope.header(moved.envelope()).version()).isEqualTo(SecretEnvelope.VERSION);
        assertThat(moved.sealedVersion()).isEqualTo(moved.metadata().version()).isEqualTo(2);
        assertThat(read(secrets, "legacy")).isEqualTo("legacy-value");
        // the format-1 envelope cannot be put back now: the record says it is sealed at version 2,
        overwriteAtRest(store, new StoredSecret(moved.metadata(), moved.sealedVersion(), envelope));
        assertKind(() -> secrets.read(alice, ORG, "legacy"), Kind.CORRUPTED);
        // nor with the sealed version cleared as it was: the sweep recorded that no format-1 envelope is left
        overwriteAtRest(store, new StoredSecret(moved.metadata(), 0, envelope));
        assertThatThrownBy(() -> secrets.read(alice, ORG, "legacy"))
                .hasMessageContaining("a sweep moved every server-key envelope to format 2");
        assertThatThrownBy(() -> Fixtures.manager(store, ring).read(alice, ORG, "legacy"))
                .hasMessageContaining("a sweep moved every server-key envelope to format 2");
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }
}
