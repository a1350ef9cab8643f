package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.process.CryptoTask;
import dev.gatehouse.secrets.process.ExportedCredentials;
import dev.gatehouse.secrets.process.KeyFiles;
import dev.gatehouse.secrets.process.ProcessContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoTaskTest {

    @TempDir
    Path workDir;

    private final SecretManager secrets = Fixtures.manager();
    private final Caller alice = Fixtures.member();
    private CryptoTask crypto;

    @BeforeEach
    void secretsAndTask() {
        secrets.create(alice, NewSecret.builder(ORG, "token", SecretValue.ofString("t0ken")).build());
        secrets.create(alice, NewSecret.builder(ORG, "guarded", SecretValue.ofString("g")).storePassword("Guarded12".toCharArray()).build());
        secrets.create(alice, NewSecret.builder(ORG, "binary", SecretValue.ofBytes(new byte[] {(byte) 0xff, 0, 1})).build());
        secrets.create(alice, NewSecret.builder(ORG, "git", SecretValue.usernamePassword("deploy", "pw!".toCharArray())).build());
        secrets.create(alice, NewSecret.builder(ORG, "deploy-key", SshKeys.generate()).build());
        secrets.create(alice, NewSecret.builder(ORG, "scoped", SecretValue.ofString("s")).projects(Set.of("payments")).build());
        crypto = task("payments");
    }

    private CryptoTask task(String project) {
        return new CryptoTask(secrets, new ProcessContext(Fixtures.process(project), workDir, alice));
    }

    @Test
    void exportAsStringReturnsTheValueWithOrWithoutAStorePassword() {
        assertThat(crypto.exportAsString(ORG, "token", null)).isEqualTo("t0ken");
        assertThat(crypto.exportAsString(ORG, "token", "")).isEqualTo("t0ken");
        assertThat(crypto.exportAsString(ORG, "guarded", "Guarded12")).isEqualTo("g");
        assertThatThrownBy(() -> crypto.exportAsString(ORG, "guarded", "wrong")).hasMessage("Invalid password or corrupted data");
        assertKind(() -> crypto.exportAsString(ORG, "binary", null), Kind.INVALID_INPUT);
        assertKind(() -> crypto.exportAsString(ORG, "git", null), Kind.INVALID_INPUT);
    }

    @Test
    void exportCredentialsReturnsUsernameAndPassword() {
        ExportedCredentials c = crypto.exportCredentials(ORG, "git", null);
        assertThat(c.username()).isEqualTo("deploy");
        assertThat(c.password()).isEqualTo("pw!");
        assertThat(c.toString()).doesNotContain("pw!");
    }

    @Test
    void exportedFilesAreOwnerOnlyInTheWorkDirectory() throws IOException {
        KeyFiles keys = crypto.exportKeyAsFile(ORG, "deploy-key", null);
        Path data = crypto.exportAsFile(ORG, "binary", null);
        for (Path p : new Path[] {keys.publicKey(), keys.privateKey(), data}) {
            assertThat(p.getParent()).isEqualTo(workDir.toAbsolutePath());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        }
        assertThat(Files.readString(keys.publicKey()).strip()).isEqualTo(secrets.readPublicKey(alice, ORG, "deploy-key"));
        assertThat(Files.readString(keys.privateKey())).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(Files.readAllBytes(data)).containsExactly(0xff, 0, 1);
    }

    @Test
    void theExportedPrivateKeyIsAcceptedBySshKeygen() throws IOException {
        SshKeygen.requireInstalled();
        KeyFiles keys = crypto.exportKeyAsFile(ORG, "deploy-key", null);
        assertThat(SshKeygen.publicKeyOf(workDir, Files.readAllBytes(keys.privateKey())))
                .isEqualTo(SshKeygen.typeAndKey(Files.readString(keys.publicKey())));
    }

    @Test
    void projectRestrictedSecretsAreExportedOnlyInsideTheirProject() {
        assertThat(crypto.exportAsString(ORG, "scoped", null)).isEqualTo("s");
        assertKind(() -> task("billing").exportAsString(ORG, "scoped", null), Kind.ACCESS_DENIED);
        assertKind(() -> task(null).exportAsString(ORG, "scoped", null), Kind.ACCESS_DENIED);
    }

    @Test
    void stringsEncryptedInAProjectDecryptInItOnly() {
        String enc = crypto.encryptString("hello");
        assertThat(crypto.decryptString(enc)).isEqualTo("hello");
        assertKind(() -> task("billing").decryptString(enc), Kind.ACCESS_DENIED);
        CryptoTask knowsBilling = new CryptoTask(secrets, new ProcessContext(Fixtures.process("payments"), workDir, alice,
                (org, project) -> org.equals(ORG) && project.equals("billing")));
        String forBilling = knowsBilling.encryptString(ORG, "billing", "bill");
        assertThat(task("billing").decryptString(forBilling)).isEqualTo("bill");
    }

    @Test
    void encryptingForAProjectThatDoesNotExistIsRefused() {
        // Issue 12 item 3: crypto.encryptString(org, project, value) created a key for any project name.
        assertThatThrownBy(() -> crypto.encryptString(ORG, "no-such-project", "x"))
                .isInstanceOf(SecretException.class).hasMessage("Project not found: acme/no-such-project")
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.NOT_FOUND));

        CryptoTask withCatalogue = new CryptoTask(secrets, new ProcessContext(Fixtures.process("payments"), workDir, alice,
                (org, project) -> project.equals("billing")));
        assertKind(() -> withCatalogue.encryptString(ORG, "no-such-project", "x"), Kind.NOT_FOUND);
        assertThat(withCatalogue.encryptString(ORG, "billing", "x")).startsWith("gh1.");
        assertThat(crypto.encryptString(ORG, "payments", "own")).as("the process's own project needs no catalogue")
                .startsWith("gh1.");
        assertKind(() -> withCatalogue.encryptString("elsewhere", "billing", "x"), Kind.ACCESS_DENIED);
    }

    @Test
    void aProcessWithoutAProjectCannotEncryptOrDecrypt() {
        CryptoTask noProject = task(null);
        assertThatThrownBy(() -> noProject.encryptString("x"))
                .isInstanceOf(SecretException.class)
                .hasMessage("The process must run in a project in order to be able to encrypt strings.");
        assertThatThrownBy(() -> noProject.decryptString("gh1.AAAA"))
                .hasMessage("The process must run in a project in order to be able to decrypt strings.");
    }

    @Test
    void encryptingForAnotherOrgNeedsMembership() {
        assertKind(() -> crypto.encryptString("elsewhere", "p", "x"), Kind.ACCESS_DENIED);
    }
}
