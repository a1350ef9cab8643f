package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.ConcordWriter.MD5;
import static dev.gatehouse.secrets.ConcordWriter.SHA256;
import static dev.gatehouse.secrets.ConcordWriter.encrypt;
import static dev.gatehouse.secrets.ConcordWriter.keyPair;
import static dev.gatehouse.secrets.ConcordWriter.usernamePassword;
import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.concord.ConcordMigration;
import dev.gatehouse.secrets.concord.ConcordMigration.Confidence;
import dev.gatehouse.secrets.concord.ConcordMigration.ConcordSecret;
import dev.gatehouse.secrets.concord.ConcordMigration.Decoded;
import dev.gatehouse.secrets.concord.ConcordMigration.KeyDigest;
import dev.gatehouse.secrets.concord.ConcordMigration.ProjectKeyImport;
import dev.gatehouse.secrets.concord.ConcordMigration.RefusedKeyPairs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vectors come from {@link ConcordWriter}, Concord's algorithms re-implemented from its source. */
class ConcordMigrationTest {

    private static final byte[] SERVER_PASSWORD = "concord-server-password".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STORE_SALT = Base64.getDecoder().decode("c2FsdHNhbHRzYWx0c2FsdA==");
    private static final byte[] PROJECT_SALT = "project-salt".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final Random seeded = new Random(14); // fixed vectors: a wrong key fails the same way on every run
    private final SecretManager secrets = Fixtures.manager();
    private final Caller alice = Fixtures.member();
    private final ConcordMigration migration = new ConcordMigration(secrets, SERVER_PASSWORD, STORE_SALT, PROJECT_SALT);

    private byte[] salt() {
        byte[] s = new byte[16];
        seeded.nextBytes(s);
        return s;
    }

    private static ConcordSecret secret(String name, SecretType type, byte[] data, String hash, byte[] salt, boolean pw) {
        return new ConcordSecret(ORG, name, type, data, KeyDigest.ofColumn(hash), Optional.ofNullable(salt), pw);
    }

    @Test
    void theHashColumnIsReadAsConcordReadsIt() {
        assertThat(KeyDigest.ofColumn("SHA-256")).isEqualTo(KeyDigest.SHA_256);
        assertThat(KeyDigest.ofColumn("md5")).isEqualTo(KeyDigest.MD5);
        assertThat(KeyDigest.ofColumn(null)).isEqualTo(KeyDigest.MD5);
        assertThat(KeyDigest.ofColumn("sha-256")).isEqualTo(KeyDigest.MD5);
    }

    @Test
    void aCurrentSecretWithItsOwnSaltDecodes() throws Exception {
        byte[] salt = salt();
        byte[] enc = encrypt("file contents".getBytes(StandardCharsets.UTF_8), SERVER_PASSWORD, salt, SHA256);
        Decoded d = migration.decode(secret("cfg", SecretType.DATA, enc, SHA256, salt, false), Optional.empty());
        assertThat(((SecretValue.Data) d.value()).asString()).isEqualTo("file contents");
        assertThat(d.confidence()).isEqualTo(Confidence.PADDING_ONLY);
        // the store-wide salt does not open it
        assertKind(() -> migration.decode(secret("cfg", SecretType.USERNAME_PASSWORD,
                encrypt(usernamePassword("u", "p".toCharArray()), SERVER_PASSWORD, salt, SHA256), SHA256, null, false),
                Optional.empty()), Kind.INVALID_PASSWORD);
    }

    @Test
    void oldSecretsUseTheStoreSaltWithMd5OrSha256() throws Exception {
        for (String hash : new String[] {MD5, SHA256}) {
            byte[] enc = encrypt(usernamePassword("jenkins", "pw".toCharArray()), SERVER_PASSWORD, STORE_SALT, hash);
            // a database from before 1.98.1 (no SECRET_SALT column) and one after (salt copied in)
            for (byte[] salt : new byte[][] {null, STORE_SALT}) {
                Decoded d = migration.decode(secret("old", SecretType.USERNAME_PASSWORD, enc, hash, salt, false), Optional.empty());
                assertThat(((SecretValue.UsernamePassword) d.value()).username()).isEqualTo("jenkins");
                assertThat(d.confidence()).isEqualTo(Confidence.STRUCTURE);
            }
        }
    }

    @Test
    void passwordProtectedSecretsNeedTheirPasswordAndKeepIt() throws Exception {
        byte[] salt = salt();
        char[] storePassword = "Pässwört-1".toCharArray();
        byte[] enc = encrypt(usernamePassword("ユーザー", "пароль✓".toCharArray()),
                new String(storePassword).getBytes(StandardCharsets.UTF_8), salt, MD5);
        ConcordSecret s = secret("creds", SecretType.USERNAME_PASSWORD, enc, MD5, salt, true);
        assertKind(() -> migration.decode(s, Optional.empty()), Kind.INVALID_PASSWORD);
        assertKind(() -> migration.decode(s, Optional.of("Wrong-pass-1".toCharArray())), Kind.INVALID_PASSWORD);
        SecretMetadata m = migration.migrate(alice, s, Optional.of(storePassword.clone()), Optional.empty(), Visibility.PRIVATE,
                RefusedKeyPairs.SKIP);
        assertThat(m.passwordProtected()).isTrue();
        SecretValue.UsernamePassword up = (SecretValue.UsernamePassword) secrets.read(alice, ORG, "creds", storePassword.clone());
        assertThat(up.username()).isEqualTo("ユーザー");
        assertThat(new String(up.password())).isEqualTo("пароль✓");
    }

    @Test
    void dataOfZeroOneAndAMebibyteDecodeExactly() throws Exception {
        for (int size : new int[] {0, 1, 1024 * 1024}) {
            byte[] value = new byte[size];
            seeded.nextBytes(value);
            byte[] salt = salt();
            byte[] enc = encrypt(value, SERVER_PASSWORD, salt, SHA256);
            Decoded d = migration.decode(secret("d" + size, SecretType.DATA, enc, SHA256, salt, false), Optional.empty());
            assertThat(((SecretValue.Data) d.value()).bytes()).isEqualTo(value);
        }
    }

    @Test
    void anEmptyOrTruncatedCiphertextIsCorrupted() throws Exception {
        assertKind(() -> migration.decode(secret("e", SecretType.DATA, new byte[0], SHA256, salt(), false), Optional.empty()),
                Kind.CORRUPTED);
        byte[] salt = salt();
        byte[] enc = encrypt(new byte[40], SERVER_PASSWORD, salt, SHA256);
        assertKind(() -> migration.decode(secret("t", SecretType.DATA, Arrays.copyOf(enc, enc.length - 1), SHA256, salt, false),
                Optional.empty()), Kind.CORRUPTED);
    }

    @Test
    void aWrongServerPasswordOrTamperedRecordIsRefused() throws Exception {
        byte[] salt = salt();
        byte[] enc = encrypt(usernamePassword("u", "p".toCharArray()), SERVER_PASSWORD, salt, SHA256);
        ConcordMigration wrong = new ConcordMigration(secrets, "other".getBytes(StandardCharsets.UTF_8), STORE_SALT, PROJECT_SALT);
        assertKind(() -> wrong.decode(secret("x", SecretType.USERNAME_PASSWORD, enc, SHA256, salt, false), Optional.empty()),
                Kind.INVALID_PASSWORD);
        byte[] tampered = enc.clone();
        tampered[3] ^= 1;
        assertKind(() -> migration.decode(secret("x", SecretType.USERNAME_PASSWORD, tampered, SHA256, salt, false),
                Optional.empty()), Kind.INVALID_PASSWORD);
        byte[] lying = encrypt(new byte[] {0x7f, 0x7f, 0x7f, 0x7f}, SERVER_PASSWORD, salt, SHA256);
        assertKind(() -> migration.decode(secret("k", SecretType.KEY_PAIR, lying, SHA256, salt, false), Optional.empty()),
                Kind.INVALID_PASSWORD);
        byte[] notUtf8 = encrypt(new byte[] {0, 1, 'u', 0, 0, 0, 1, (byte) 0xff}, SERVER_PASSWORD, salt, SHA256);
        assertKind(() -> migration.decode(secret("n", SecretType.USERNAME_PASSWORD, notUtf8, SHA256, salt, false),
                Optional.empty()), Kind.INVALID_PASSWORD);
        assertThat(secrets.list(alice, ORG)).isEmpty();
    }

    private Decoded decodePair(Path key) throws Exception {
        byte[] priv = Files.readAllBytes(key);
        byte[] pub = Files.readAllBytes(Path.of(key + ".pub"));
        byte[] salt = salt();
        byte[] enc = encrypt(keyPair(pub, priv), SERVER_PASSWORD, salt, SHA256);
        return migration.decode(secret("kp", SecretType.KEY_PAIR, enc, SHA256, salt, false), Optional.empty());
    }

    @Test
    void keyPairsConcordGeneratedOrWasGivenAreVerified() throws Exception {
        SshKeygen.requireInstalled();
        // RSA 4096 in PKCS#1 PEM, as Concord's JSch KeyPair.writePrivateKey writes it; uploaded ed25519 and ECDSA P-256
        for (String[] args : new String[][] {{"-t", "rsa", "-b", "4096", "-m", "PEM", "-C", "concord-server"},
                {"-t", "ed25519"}, {"-t", "ecdsa", "-b", "256"}}) {
            Path key = SshKeygen.generate(Files.createTempDirectory(dir, "k"), "", args);
            Decoded d = decodePair(key);
            assertThat(d.refusal()).as(args[1]).isEmpty();
            assertThat(d.confidence()).isEqualTo(Confidence.VERIFIED);
            SecretValue.KeyPair kp = (SecretValue.KeyPair) d.value();
            assertThat(SshKeygen.publicKeyOf(dir, kp.privateKey())).isEqualTo(SshKeygen.typeAndKey(kp.publicKey()));
        }
    }

    @Test
    void keyPairsThePolicyRefusesAreReportedAndMigrateAsOpaqueFilesOrNotAtAll() throws Exception {
        SshKeygen.requireInstalled();
        for (String[] spec : new String[][] {{"", "-t", "rsa", "-b", "1024", "-m", "PEM"}, {"", "-t", "ecdsa", "-b", "384"},
                {"Passphrase1", "-t", "ed25519"}}) {
            Path key = SshKeygen.generate(Files.createTempDirectory(dir, "k"), spec[0], Arrays.copyOfRange(spec, 1, spec.length));
            Decoded d = decodePair(key);
            assertThat(d.refusal()).as(spec[2]).isPresent();
            assertThat(d.confidence()).isEqualTo(Confidence.STRUCTURE);
        }
        Path key = SshKeygen.generate(Files.createTempDirectory(dir, "k"), "", "-t", "ecdsa", "-b", "384");
        byte[] priv = Files.readAllBytes(key);
        byte[] salt = salt();
        ConcordSecret s = secret("p384", SecretType.KEY_PAIR,
                encrypt(keyPair(Files.readAllBytes(Path.of(key + ".pub")), priv), SERVER_PASSWORD, salt, SHA256), SHA256, salt, false);
        assertKind(() -> migration.migrate(alice, s, Optional.empty(), Optional.empty(), Visibility.PRIVATE, RefusedKeyPairs.SKIP),
                Kind.INVALID_INPUT);
        assertThat(secrets.list(alice, ORG)).isEmpty();
        SecretMetadata m = migration.migrate(alice, s, Optional.empty(), Optional.empty(), Visibility.PRIVATE,
                RefusedKeyPairs.OPAQUE_FILE);
        assertThat(m.type()).isEqualTo(SecretType.DATA);
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "p384")).bytes()).isEqualTo(priv);
    }

    @Test
    void wrappedGeneratedAndNameBasedProjectKeysUnwrap() throws Exception {
        byte[] key = new byte[128];
        seeded.nextBytes(key);
        ConcordMigration.ProjectKey k = migration.unwrapProjectKey(Optional.of(ConcordWriter.wrapProjectKey(key, STORE_SALT)), "p");
        assertThat(k.raw()).isEqualTo(key);
        assertThat(k.confidence()).isEqualTo(Confidence.VERIFIED);
        byte[] named = "my~project@x".getBytes(StandardCharsets.UTF_8);
        assertThat(migration.unwrapProjectKey(Optional.of(ConcordWriter.wrapProjectKey(named, STORE_SALT)), "my~project@x").raw())
                .isEqualTo(named);
        assertThat(migration.unwrapProjectKey(Optional.empty(), "my~project@x").raw()).isEqualTo(named);
        ConcordMigration wrongSalt = new ConcordMigration(secrets, SERVER_PASSWORD, new byte[16], PROJECT_SALT);
        assertKind(() -> wrongSalt.unwrapProjectKey(Optional.of(ConcordWriter.wrapProjectKey(key, STORE_SALT)), "p"),
                Kind.INVALID_PASSWORD);
        assertKind(() -> migration.unwrapProjectKey(Optional.of(new byte[0]), "p"), Kind.CORRUPTED);
    }

    @Test
    void concordStringsDecryptInTheMigratedProjectAndNoOther() throws Exception {
        byte[] key = new byte[128];
        seeded.nextBytes(key);
        String org = "team@x~y";
        String concord = ConcordWriter.encryptString("inline välue", key, PROJECT_SALT);
        assertThat(migration.decryptString(concord, key)).isEqualTo("inline välue");
        String gh1 = secrets.encryptedStrings().encrypt(org, "pay~ments", "before");
        assertThat(migration.importProjectKey(org, "pay~ments", key)).isEqualTo(ProjectKeyImport.ADDED);
        assertThat(migration.importProjectKey(org, "pay~ments", key)).isEqualTo(ProjectKeyImport.ALREADY_PRESENT);
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThat(migration.importProjectKey(org, "pay~ments", other)).isEqualTo(ProjectKeyImport.CONFLICT);
        assertThat(secrets.encryptedStrings().decrypt(org, "pay~ments", concord)).isEqualTo("inline välue");
        assertThat(secrets.encryptedStrings().decrypt(org, "pay~ments", gh1)).isEqualTo("before");
        assertThatThrownBy(() -> secrets.encryptedStrings().decrypt(org, "other", concord)).isInstanceOf(SecretException.class);
        migration.importProjectKey(org, "other", other);
        assertKind(() -> secrets.encryptedStrings().decrypt(org, "other", concord), Kind.ACCESS_DENIED);
        assertThat(migration.migrateString(org, "pay~ments", concord, key)).startsWith("gh1.");
        assertKind(() -> migration.decryptString("not base64 !", key), Kind.INVALID_INPUT);
    }
}
