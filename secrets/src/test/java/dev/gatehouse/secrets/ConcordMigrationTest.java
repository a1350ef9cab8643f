package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.concord.ConcordMigration.ConcordSecret;
import dev.gatehouse.secrets.concord.ConcordMigration.KeyDigest;
import dev.gatehouse.secrets.concord.ConcordMigration;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values are produced by re-implementing Concord's encryption (SecretUtils, ProjectSecretManager) here. */
class ConcordMigrationTest {

    private static final byte[] SERVER_PASSWORD = "concord-server-password".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = Base64.getDecoder().decode("c2FsdHNhbHRzYWx0c2FsdA==");
    private static final byte[] PROJECT_SALT = "project-salt".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final SecretManager secrets = Fixtures.manager();
    private final Caller alice = Fixtures.member();
    private final ConcordMigration migration = new ConcordMigration(secrets, SERVER_PASSWORD, SALT, PROJECT_SALT);

    /** Concord: Cipher.getInstance("AES") with key = digest(salt || password). */
    static byte[] concordEncrypt(byte[] input, byte[] password, byte[] salt, String digest) throws Exception {
        MessageDigest md = MessageDigest.getInstance(digest);
        md.update(salt);
        md.update(password);
        Cipher c = Cipher.getInstance("AES");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(md.digest(), "AES"));
        return c.doFinal(input);
    }

    static byte[] usernamePassword(String username, String password) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeUTF(username);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        out.writeInt(pw.length);
        out.write(pw);
        return b.toByteArray();
    }

    static byte[] keyPair(byte[] pub, byte[] priv) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(pub.length);
        out.write(pub);
        out.writeInt(priv.length);
        out.write(priv);
        return b.toByteArray();
    }

    private static ConcordSecret secret(String name, SecretType type, byte[] data, KeyDigest d, String password) {
        return new ConcordSecret(ORG, name, type, data, d, Optional.ofNullable(password).map(String::toCharArray),
                Visibility.PUBLIC);
    }

    @Test
    void aServerKeyDataSecretMigratesIntoAGatehouseEnvelope() throws Exception {
        byte[] enc = concordEncrypt("file contents".getBytes(StandardCharsets.UTF_8), SERVER_PASSWORD, SALT, "SHA-256");
        SecretMetadata m = migration.migrate(alice, secret("cfg", SecretType.DATA, enc, KeyDigest.SHA_256, null), Optional.empty());
        assertThat(m.serverKeyId()).contains("k1");
        assertThat(m.visibility()).isEqualTo(Visibility.PUBLIC);
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "cfg")).asString()).isEqualTo("file contents");
    }

    @Test
    void aPasswordProtectedUsernamePasswordSecretKeepsItsPassword() throws Exception {
        byte[] enc = concordEncrypt(usernamePassword("jenkins", "pässwörd"), "Userpass1".getBytes(StandardCharsets.UTF_8),
                SALT, "SHA-256");
        SecretMetadata m = migration.migrate(alice, secret("creds", SecretType.USERNAME_PASSWORD, enc, KeyDigest.SHA_256,
                "Userpass1"), Optional.empty());
        assertThat(m.passwordProtected()).isTrue();
        SecretValue.UsernamePassword up = (SecretValue.UsernamePassword) secrets.read(alice, ORG, "creds", "Userpass1".toCharArray());
        assertThat(up.username()).isEqualTo("jenkins");
        assertThat(new String(up.password())).isEqualTo("pässwörd");
    }

    @Test
    void oldMd5SecretsDecode() throws Exception {
        byte[] enc = concordEncrypt("legacy".getBytes(StandardCharsets.UTF_8), SERVER_PASSWORD, SALT, "MD5");
        SecretValue v = migration.decode(secret("old", SecretType.DATA, enc, KeyDigest.MD5, null));
        assertThat(((SecretValue.Data) v).asString()).isEqualTo("legacy");
    }

    @Test
    void aKeyPairMigratesAndIsReEncodedInOpenSshFormat() throws Exception {
        SshKeygen.requireInstalled();
        Path key = SshKeygen.generate(dir, "", "-t", "rsa", "-b", "2048", "-m", "PEM");
        byte[] priv = Files.readAllBytes(key);
        byte[] pub = Files.readAllBytes(Path.of(key + ".pub"));
        byte[] enc = concordEncrypt(keyPair(pub, priv), SERVER_PASSWORD, SALT, "SHA-256");
        migration.migrate(alice, secret("deploy", SecretType.KEY_PAIR, enc, KeyDigest.SHA_256, null), Optional.empty());
        SecretValue.KeyPair kp = (SecretValue.KeyPair) secrets.read(alice, ORG, "deploy");
        assertThat(kp.publicKey()).isEqualTo(new String(pub, StandardCharsets.UTF_8).strip());
        assertThat(new String(kp.privateKey(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(SshKeygen.publicKeyOf(dir, kp.privateKey())).isEqualTo(SshKeygen.typeAndKey(kp.publicKey()));
    }

    @Test
    void aMismatchedConcordKeyPairIsRefused() throws Exception {
        SecretValue.KeyPair a = SshKeys.generate();
        SecretValue.KeyPair b = SshKeys.generate();
        byte[] enc = concordEncrypt(keyPair(a.publicKey().getBytes(StandardCharsets.UTF_8), b.privateKey()), SERVER_PASSWORD,
                SALT, "SHA-256");
        assertThatThrownBy(() -> migration.migrate(alice, secret("mixed", SecretType.KEY_PAIR, enc, KeyDigest.SHA_256, null),
                Optional.empty())).hasMessage("The public and private keys do not belong together");
        assertThat(secrets.list(alice, ORG)).isEmpty();
    }

    @Test
    void aWrongPasswordOrSaltIsRefusedWithoutStoringAnything() throws Exception {
        byte[] enc = concordEncrypt(usernamePassword("u", "p"), "Rightpass1".getBytes(StandardCharsets.UTF_8), SALT, "SHA-256");
        assertThatThrownBy(() -> migration.migrate(alice, secret("creds", SecretType.USERNAME_PASSWORD, enc, KeyDigest.SHA_256,
                "Wrongpass1"), Optional.empty())).hasMessage("Invalid password or corrupted data");
        ConcordMigration otherSalt = new ConcordMigration(secrets, SERVER_PASSWORD, new byte[16], PROJECT_SALT);
        byte[] server = concordEncrypt(usernamePassword("u", "p"), SERVER_PASSWORD, SALT, "SHA-256");
        assertThatThrownBy(() -> otherSalt.decode(secret("x", SecretType.USERNAME_PASSWORD, server, KeyDigest.SHA_256, null)))
                .hasMessage("Invalid password or corrupted data");
        assertThat(secrets.list(alice, ORG)).isEmpty();
    }

    @Test
    void truncatedAndMalformedConcordDataIsRefused() throws Exception {
        byte[] enc = concordEncrypt(usernamePassword("u", "p"), SERVER_PASSWORD, SALT, "SHA-256");
        assertKind(() -> migration.decode(secret("t", SecretType.USERNAME_PASSWORD, Arrays.copyOf(enc, enc.length - 1),
                KeyDigest.SHA_256, null)), Kind.CORRUPTED);
        byte[] lying = concordEncrypt(new byte[] {0x7f, 0x7f, 0x7f, 0x7f}, SERVER_PASSWORD, SALT, "SHA-256");
        assertKind(() -> migration.decode(secret("k", SecretType.KEY_PAIR, lying, KeyDigest.SHA_256, null)), Kind.INVALID_PASSWORD);
    }

    @Test
    void aWeakOldStorePasswordMustBeReplacedDuringMigration() throws Exception {
        byte[] enc = concordEncrypt("v".getBytes(StandardCharsets.UTF_8), "weak".getBytes(StandardCharsets.UTF_8), SALT, "SHA-256");
        ConcordSecret weak = secret("weakpw", SecretType.DATA, enc, KeyDigest.SHA_256, "weak");
        assertThatThrownBy(() -> migration.migrate(alice, weak, Optional.empty())).hasMessageContaining("store password must have");
        migration.migrate(alice, secret("weakpw", SecretType.DATA, enc, KeyDigest.SHA_256, "weak"),
                Optional.of("Stronger1".toCharArray()));
        assertThat(((SecretValue.Data) secrets.read(alice, ORG, "weakpw", "Stronger1".toCharArray())).asString()).isEqualTo("v");
    }

    @Test
    void concordEncryptedStringsMigrateToGatehouseStrings() throws Exception {
        byte[] projectKey = "project-secret-key".getBytes(StandardCharsets.UTF_8);
        String concord = Base64.getEncoder().encodeToString(
                concordEncrypt("inline value".getBytes(StandardCharsets.UTF_8), projectKey, PROJECT_SALT, "MD5"));
        assertThat(migration.decryptString(concord, projectKey)).isEqualTo("inline value");
        String migrated = migration.migrateString(ORG, "payments", concord, projectKey);
        assertThat(migrated).startsWith("gh1.");
        assertThat(secrets.encryptedStrings().decrypt(ORG, "payments", migrated)).isEqualTo("inline value");
        assertThatThrownBy(() -> migration.decryptString(concord, "other-project-key".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("Invalid password or corrupted data");
        assertKind(() -> migration.decryptString("not base64 !", projectKey), Kind.INVALID_INPUT);
    }
}
