package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SshKeysTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void sshKeygen() {
        SshKeygen.requireInstalled();
    }

    private static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(SshKeyType.class)
    void generatedKeysAreAcceptedBySshKeygenWithTheSamePublicKey(SshKeyType type) throws IOException {
        SecretValue.KeyPair kp = SshKeys.generate(type, "ci@gatehouse");
        assertThat(new String(kp.privateKey(), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n").endsWith("-----END OPENSSH PRIVATE KEY-----\n");
        assertThat(kp.publicKey()).startsWith(type.sshName() + " ").endsWith(" ci@gatehouse");
        assertThat(SshKeygen.publicKeyOf(dir, kp.privateKey())).isEqualTo(SshKeygen.typeAndKey(kp.publicKey()));
    }

    @Test
    void ed25519IsTheDefault() {
        assertThat(SshKeys.generate().publicKey()).startsWith("ssh-ed25519 ").endsWith(" gatehouse");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ed25519, RFC4716, -t ed25519",
        "ecdsa, RFC4716, -t ecdsa -b 256",
        "ecdsa, PEM, -t ecdsa -b 256 -m PEM",
        "ecdsa, PKCS8, -t ecdsa -b 256 -m PKCS8",
        "rsa, RFC4716, -t rsa -b 3072",
        "rsa, PEM, -t rsa -b 3072 -m PEM",
        "rsa, PKCS8, -t rsa -b 3072 -m PKCS8"
    })
    void keysMadeBySshKeygenImportAndStillMatch(String type, String format, String args) throws IOException {
        Path priv = SshKeygen.generate(dir, "", args.split(" "));
        String pem = text(priv);
        if (format.equals("PEM")) {
            assertThat(pem).containsAnyOf("BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE KEY");
        } else if (format.equals("PKCS8")) {
            assertThat(pem).contains("BEGIN PRIVATE KEY");
        } else {
            assertThat(pem).contains("BEGIN OPENSSH PRIVATE KEY");
        }
        String pub = text(Path.of(priv + ".pub")).strip();
        SecretValue.KeyPair imported = SshKeys.importPair(pub, pem);
        assertThat(imported.publicKey()).isEqualTo(pub);
        // ssh-keygen agrees on both the original file and our re-encoded OpenSSH form
        assertThat(SshKeygen.publicKeyOf(dir, pem.getBytes(StandardCharsets.UTF_8))).isEqualTo(SshKeygen.typeAndKey(pub));
        assertThat(SshKeygen.publicKeyOf(dir, imported.privateKey())).isEqualTo(SshKeygen.typeAndKey(pub));
        assertThat(SshKeys.publicKeyOf(pem)).isEqualTo(SshKeygen.typeAndKey(pub));
    }

    @Test
    void aKeyPairStoredInPkcs1FormIsKeptInOpenSshForm() throws IOException {
        Path key = SshKeygen.generate(dir, "", "-t", "rsa", "-b", "2048", "-m", "PEM");
        SecretManager secrets = Fixtures.manager();
        Caller alice = Fixtures.member();
        String pub = text(Path.of(key + ".pub")).strip();
        secrets.create(alice, NewSecret.builder("acme", "pkcs1-key",
                new SecretValue.KeyPair(pub, Files.readAllBytes(key))).build());
        SecretValue.KeyPair stored = (SecretValue.KeyPair) secrets.read(alice, "acme", "pkcs1-key");
        assertThat(new String(stored.privateKey(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(SshKeygen.publicKeyOf(dir, stored.privateKey())).isEqualTo(SshKeygen.typeAndKey(pub));
    }

    @Test
    void aPkcs8Ed25519KeyFromTheJdkImports() throws Exception {
        KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(jdk.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String pub = SshKeys.publicKeyOf(pem);
        SecretValue.KeyPair imported = SshKeys.importPair(pub + " jdk", pem);
        // OpenSSH 9.2 cannot load a PKCS#8 Ed25519 file itself; it loads our re-encoded OpenSSH form.
        assertThat(SshKeygen.publicKeyOf(dir, imported.privateKey())).isEqualTo(pub);
    }

    @Test
    void aPairWhoseHalvesDoNotMatchIsRefused() throws IOException {
        Path a = SshKeygen.generate(dir, "", "-t", "ed25519");
        Path b = SshKeygen.generate(dir, "", "-t", "ed25519");
        assertThatThrownBy(() -> SshKeys.importPair(text(Path.of(a + ".pub")), text(b)))
                .isInstanceOf(SecretException.class)
                .hasMessage("The public and private keys do not belong together");
        // same key, other type name
        String pub = text(Path.of(a + ".pub")).replace("ssh-ed25519", "ssh-rsa");
        assertThatThrownBy(() -> SshKeys.importPair(pub, text(a)))
                .hasMessage("The public and private keys do not belong together");
    }

    @Test
    void encryptedPrivateKeysAreRefusedWithAHint() throws IOException {
        Path enc = SshKeygen.generate(dir, "Passphrase1", "-t", "ed25519");
        assertThatThrownBy(() -> SshKeys.importPair(text(Path.of(enc + ".pub")), text(enc)))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("Encrypted private keys are not supported");
        Path encPem = SshKeygen.generate(dir, "Passphrase1", "-t", "rsa", "-b", "2048", "-m", "PEM");
        assertThatThrownBy(() -> SshKeys.importPair(text(Path.of(encPem + ".pub")), text(encPem)))
                .hasMessageContaining("Encrypted private keys are not supported");
    }

    @Test
    void shortRsaKeysAndGarbageAreRefused() throws IOException {
        Path weak = SshKeygen.generate(dir, "", "-t", "rsa", "-b", "1024", "-m", "PEM");
        assertThatThrownBy(() -> SshKeys.importPair(text(Path.of(weak + ".pub")), text(weak)))
                .hasMessageContaining("shorter than 2048 bits");
        assertThatThrownBy(() -> SshKeys.importPair("ssh-ed25519 AAAA", "not a key"))
                .hasMessageContaining("not a PEM file");
        assertThatThrownBy(() -> SshKeys.importPair("ssh-ed25519 AAAA",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n"))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> SshKeys.importPair("ssh-ed25519 AAAA",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .hasMessageContaining("Unsupported private key type 'CERTIFICATE'");
        Path ok = SshKeygen.generate(dir, "", "-t", "ed25519");
        assertThatThrownBy(() -> SshKeys.importPair("ssh-ed25519", text(ok)))
                .hasMessageContaining("not an authorized_keys line");
        assertThatThrownBy(() -> SshKeys.importPair("ssh-ed25519 !!!notbase64", text(ok)))
                .hasMessageContaining("not base64");
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        SecretValue.KeyPair kp = SshKeys.generate();
        assertThat(kp.toString()).contains("<redacted>").doesNotContain("OPENSSH");
    }
}
