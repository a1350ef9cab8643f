package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.testing.Services;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeyType;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.git.testing.BareRepository;
import dev.gatehouse.secrets.git.testing.Commands;
import dev.gatehouse.secrets.git.testing.OpenSshServer;
import dev.gatehouse.secrets.git.testing.TestSecrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clones over SSH from OpenSSH's sshd (started by the test on a loopback port with its own config,
 * host key and authorized_keys) serving a bare repository made with the git binary.
 */
class SshCloneTest {

    @TempDir
    static Path tmp;
    private static OpenSshServer sshd;
    private static BareRepository repo;
    private static String mainHead;
    private static TestSecrets secrets;
    private static GitSecrets git;
    private static GitRemote remote;
    private static KnownHosts known;
    private static int clones;

    @BeforeAll
    static void start() {
        repo = BareRepository.create(tmp, "flows");
        repo.commit("main", Map.of("gatehouse.template", "first"), "first");
        mainHead = repo.commit("main", Map.of("gatehouse.template", "Hello from main", "README", "x"), "second");
        repo.commit("feature", Map.of("gatehouse.template", "Hello from feature"), "on feature");
        repo.tag("feature", "v1.0");
        sshd = OpenSshServer.start(tmp.resolve("sshd"));
        secrets = new TestSecrets();
        git = GitSecrets.using(secrets.manager());
        remote = GitRemote.parse(sshd.sshUrl(repo.path()));
        known = KnownHosts.parse(sshd.knownHostsLine());
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private static Path target() {
        return tmp.resolve("clone-" + (++clones));
    }

    private static GitClone strict() {
        return GitClone.of(remote).hostKeys(HostKeyPolicy.strict(known)).build();
    }

    private static String template(ClonedRepository clone) throws IOException {
        return Files.readString(clone.directory().resolve("gatehouse.template"), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(SshKeyType.class)
    void clonesWithAKeyPairSecretTheServerGenerated(SshKeyType type) throws Exception {
        SecretValue.KeyPair pair = SshKeys.generate(type, "deploy-" + type);
        sshd.authorize(pair.publicKey());
        secrets.store("deploy-" + type, pair);

        ClonedRepository clone = git.clone(secrets.owner(), TestSecrets.ORG, "deploy-" + type, strict(), target());

        assertThat(template(clone)).isEqualTo("Hello from main");
        assertThat(clone.ref()).isEqualTo("refs/heads/main");
        assertThat(clone.commitId()).isEqualTo(mainHead);
        assertThat(sshd.log()).contains("Accepted publickey for " + sshd.user());
    }

    @Test
    void clonesWithAnImportedSshKeygenPair() throws Exception {
        String[] pair = Commands.sshKeygen(tmp, "rsa", "imported");
        sshd.authorize(pair[0]);
        secrets.store("imported", SshKeys.importPair(pair[0], pair[1]));

        ClonedRepository clone = git.clone(secrets.owner(), TestSecrets.ORG, "imported", strict(), target());

        assertThat(template(clone)).isEqualTo("Hello from main");
    }

    @Test
    void anScpLikeUrlReachesAServerOnPort22() throws Exception {
        OpenSshServer onPort22;
        try {
            onPort22 = OpenSshServer.start(tmp.resolve("sshd-22"), "127.0.0.2", 22);
        } catch (IllegalStateException e) {
            Services.unavailable("sshd on 127.0.0.2:22 (scp-like URLs have no port; binding 22 needs root)",
                    e.getMessage());
            return;
        }
        try (onPort22) {
            SecretValue.KeyPair pair = SshKeys.generate(SshKeyType.ECDSA_P256, "scp");
            onPort22.authorize(pair.publicKey());
            GitRemote scp = GitRemote.parse(onPort22.scpLikeUrl(repo.path()));
            assertThat(scp.knownHostsName()).isEqualTo("127.0.0.2");

            ClonedRepository clone = GitClone.of(scp).hostKeys(HostKeyPolicy.strict(KnownHosts.parse(onPort22.knownHostsLine())))
                    .build().into(target(), GitCredentials.of(pair, scp));

            assertThat(template(clone)).isEqualTo("Hello from main");
        }
    }

    @Test
    void aShallowCloneOfABranchOrTagHasOneCommit() throws Exception {
        SecretValue.KeyPair pair = authorizedPair("shallow");
        try (GitCredentials credentials = GitCredentials.of(pair, remote)) {
            ClonedRepository branch = GitClone.of(remote).ref("feature").hostKeys(HostKeyPolicy.strict(known)).build()
                    .into(target(), credentials);
            ClonedRepository tag = GitClone.of(remote).ref("v1.0").hostKeys(HostKeyPolicy.strict(known)).build()
                    .into(target(), credentials);
            ClonedRepository full = GitClone.of(remote).depth(0).hostKeys(HostKeyPolicy.strict(known)).build()
                    .into(target(), credentials);

            assertThat(template(branch)).isEqualTo("Hello from feature");
            assertThat(branch.ref()).isEqualTo("refs/heads/feature");
            assertThat(commits(branch)).isEqualTo(1);
            assertThat(Files.exists(branch.directory().resolve(".git/shallow"))).isTrue();
            assertThat(template(tag)).isEqualTo("Hello from feature");
            assertThat(commits(full)).isEqualTo(2);
        }
    }

    @Test
    void aKeyNotInAuthorizedKeysIsRefusedNamingItsFingerprintOnly() {
        SecretValue.KeyPair stranger = SshKeys.generate(SshKeyType.ED25519, "stranger");
        String privateText = new String(stranger.privateKey(), StandardCharsets.UTF_8);
        secrets.store("stranger", stranger);
        Path target = target();

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "stranger", strict(), target))
                .isInstanceOf(GitAccessException.AuthenticationFailed.class)
                .hasMessageContaining("Authentication to " + remote + " failed")
                .hasMessageContaining("secret acme/stranger")
                .hasMessageContaining(fingerprint(stranger.publicKey()))
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain(privateText.substring(40, 80)));
        assertThat(target).doesNotExist();
    }

    @Test
    void aChangedHostKeyIsRefusedNamingTheHostAndTheOfferedFingerprint() {
        String impostor = SshKeys.generate(SshKeyType.ED25519, "impostor").publicKey();
        KnownHosts wrong = KnownHosts.parse(KnownHosts.line(remote, impostor));
        SecretValue.KeyPair pair = authorizedPair("changed");
        int accepted = count(sshd.log(), "Accepted publickey");

        assertThatThrownBy(() -> GitClone.of(remote).hostKeys(HostKeyPolicy.strict(wrong)).build()
                .into(target(), GitCredentials.of(pair, remote)))
                .isInstanceOfSatisfying(GitAccessException.HostKeyChanged.class, e -> {
                    assertThat(e.host()).isEqualTo("[127.0.0.1]:" + sshd.port());
                    assertThat(e.offeredFingerprint()).isEqualTo(fingerprint(sshd.hostPublicKey()));
                    assertThat(e.getMessage()).contains("[127.0.0.1]:" + sshd.port(), fingerprint(sshd.hostPublicKey()),
                            fingerprint(impostor));
                });
        assertThat(count(sshd.log(), "Accepted publickey")).as("no credential was offered to the server")
                .isEqualTo(accepted);
    }

    @Test
    void anUnknownHostIsRefusedUnlessTrustOnFirstUseIsEnabled() throws Exception {
        SecretValue.KeyPair pair = authorizedPair("tofu");
        try (GitCredentials credentials = GitCredentials.of(pair, remote)) {
            assertThatThrownBy(() -> GitClone.of(remote).build().into(target(), credentials))
                    .isInstanceOfSatisfying(GitAccessException.HostKeyUnknown.class, e -> {
                        assertThat(e.getMessage()).contains("[127.0.0.1]:" + sshd.port() + " is not known",
                                "ssh-ed25519 " + fingerprint(sshd.hostPublicKey()));
                    });

            List<String> recorded = new ArrayList<>();
            HostKeyPolicy tofu = HostKeyPolicy.trustOnFirstUse(KnownHosts.none(), recorded::add);
            ClonedRepository clone = GitClone.of(remote).hostKeys(tofu).build().into(target(), credentials);

            assertThat(template(clone)).isEqualTo("Hello from main");
            assertThat(recorded).singleElement().asString()
                    .startsWith("[127.0.0.1]:" + sshd.port() + " " + sshd.hostPublicKey().substring(0, 60));
            ClonedRepository again = GitClone.of(remote).hostKeys(HostKeyPolicy.strict(KnownHosts.parse(recorded.get(0))))
                    .build().into(target(), credentials);
            assertThat(again.commitId()).isEqualTo(mainHead);

            String impostor = SshKeys.generate(SshKeyType.ED25519, "impostor").publicKey();
            HostKeyPolicy tofuWithOtherKey = HostKeyPolicy.trustOnFirstUse(
                    KnownHosts.parse(KnownHosts.line(remote, impostor)), recorded::add);
            assertThatThrownBy(() -> GitClone.of(remote).hostKeys(tofuWithOtherKey).build().into(target(), credentials))
                    .isInstanceOf(GitAccessException.HostKeyChanged.class);
            assertThat(recorded).hasSize(1);
        }
    }

    @Test
    void anUnknownRepositoryOrBranchIsNamed() {
        SecretValue.KeyPair pair = authorizedPair("missing");
        GitRemote missing = GitRemote.parse(sshd.sshUrl(tmp.resolve("nope.git")));
        try (GitCredentials credentials = GitCredentials.of(pair, missing)) {
            assertThatThrownBy(() -> GitClone.of(missing).hostKeys(HostKeyPolicy.strict(known)).build()
                    .into(target(), credentials))
                    .isInstanceOf(GitAccessException.RepositoryNotFound.class)
                    .hasMessageStartingWith("Repository not found: " + missing);
            assertThatThrownBy(() -> GitClone.of(remote).ref("no-such-branch").hostKeys(HostKeyPolicy.strict(known))
                    .build().into(target(), credentials))
                    .isInstanceOf(GitAccessException.RefNotFound.class)
                    .hasMessage("Branch or tag 'no-such-branch' not found in " + remote);
        }
    }

    @Test
    void anUnreachableHostIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        GitRemote nowhere = GitRemote.parse("ssh://git@127.0.0.1:" + closedPort + "/x.git");
        GitRemote unresolvable = GitRemote.parse("git@no-such-host.invalid:x.git");

        assertThatThrownBy(() -> GitClone.of(nowhere).build().into(target(), GitCredentials.of(authorizedPair("u1"), nowhere)))
                .isInstanceOf(GitAccessException.HostUnreachable.class)
                .hasMessage("Cannot reach 127.0.0.1:" + closedPort + ": connection refused");
        assertThatThrownBy(() -> GitClone.of(unresolvable).build()
                .into(target(), GitCredentials.of(authorizedPair("u2"), unresolvable)))
                .isInstanceOf(GitAccessException.HostUnreachable.class)
                .hasMessage("Cannot reach no-such-host.invalid:22: unknown host");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // Connections complete in the listen backlog, but nothing ever answers the SSH banner.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            GitRemote remote = GitRemote.parse("ssh://git@127.0.0.1:" + silent.getLocalPort() + "/x.git");
            GitClone clone = GitClone.of(remote).timeout(Duration.ofSeconds(2)).build();

            assertThatThrownBy(() -> clone.into(target(), GitCredentials.of(authorizedPair("silent"), remote)))
                    .isInstanceOf(GitAccessException.HostUnreachable.class)
                    .hasMessage("Cannot reach 127.0.0.1:" + silent.getLocalPort() + ": no answer within 2 s");
            assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is cleared").isFalse();
        }
    }

    @Test
    void aPasswordSecretForAnSshUrlIsASchemeMismatchAndIsWiped() {
        char[] password = "hunter2-long-enough".toCharArray();
        secrets.store("http-login", SecretValue.usernamePassword("alice", password.clone()));

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "http-login", strict(), target()))
                .isInstanceOf(GitAccessException.SchemeMismatch.class)
                .hasMessage("Secret acme/http-login is a USERNAME_PASSWORD secret, but ssh repository URLs need a"
                        + " KEY_PAIR secret");
        SecretValue.UsernamePassword value = SecretValue.usernamePassword("alice", password);
        assertThatThrownBy(() -> GitCredentials.of(value, remote)).isInstanceOf(GitAccessException.SchemeMismatch.class);
        assertThat(value.password()).containsOnly('\0');
    }

    @Test
    void aSecretRestrictedToAnotherProjectIsNotReadableByThisProjectsProcess() throws Exception {
        SecretValue.KeyPair pair = SshKeys.generate(SshKeyType.ED25519, "restricted");
        sshd.authorize(pair.publicKey());
        secrets.store("restricted", pair, TestSecrets.PROJECT);

        assertThatThrownBy(() -> git.clone(secrets.inProcessOf(TestSecrets.OTHER_PROJECT), TestSecrets.ORG, "restricted",
                strict(), target()))
                .isInstanceOf(GitAccessException.SecretNotReadable.class)
                .hasMessageStartingWith("Secret acme/restricted cannot be read");
        assertThatThrownBy(() -> git.clone(secrets.anotherMember(), TestSecrets.ORG, "restricted", strict(), target()))
                .isInstanceOf(GitAccessException.SecretNotReadable.class);
        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "no-such-secret", strict(), target()))
                .isInstanceOf(GitAccessException.SecretNotReadable.class);

        ClonedRepository ok = git.clone(secrets.inProcessOf(TestSecrets.PROJECT), TestSecrets.ORG, "restricted",
                strict(), target());
        assertThat(template(ok)).isEqualTo("Hello from main");
    }

    @Test
    void thePrivateKeyIsWipedAfterUseAndNeverWrittenIntoTheClone() throws Exception {
        SecretValue.KeyPair pair = authorizedPair("wiped");
        String privateText = new String(pair.privateKey(), StandardCharsets.UTF_8);
        String body = privateText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        ClonedRepository clone;
        try (GitCredentials credentials = GitCredentials.of(pair, remote)) {
            clone = strict().into(target(), credentials);
        }

        assertThat(pair.privateKey()).containsOnly((byte) 0);
        try (Stream<Path> files = Files.walk(clone.directory())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(body);
            }
        }
        clone.delete();
        assertThat(clone.directory()).doesNotExist();
    }

    @Test
    void closedCredentialsCannotBeUsed() {
        GitCredentials credentials = GitCredentials.of(authorizedPair("closed"), remote);
        credentials.close();

        assertThatThrownBy(() -> strict().into(target(), credentials)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKeyFileForOtherToolsIsOwnerOnlyAndDeletedOnClose() throws Exception {
        SecretValue.KeyPair pair = authorizedPair("file");
        Path folder;
        try (GitCredentials.SshKey credentials = (GitCredentials.SshKey) GitCredentials.of(pair, remote);
                TemporaryKeyFile file = credentials.writePrivateKeyFile(tmp)) {
            folder = file.folder();
            assertThat(Files.getPosixFilePermissions(file.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            // The file works with OpenSSH's own tools: ssh-keygen derives the same public key from it.
            String derived = Commands.run(tmp, Map.of(), Commands.require("ssh-keygen", "openssh-client").toString(),
                    "-y", "-f", file.path().toString());
            assertThat(derived.strip()).isEqualTo(credentials.publicKey().substring(0, derived.strip().length()));
        }
        assertThat(folder).doesNotExist();
    }

    private static SecretValue.KeyPair authorizedPair(String comment) {
        SecretValue.KeyPair pair = SshKeys.generate(SshKeyType.ED25519, comment);
        sshd.authorize(pair.publicKey());
        return pair;
    }

    private static String fingerprint(String publicKeyLine) {
        try {
            Path f = Files.createTempFile(tmp, "key", ".pub");
            Files.writeString(f, publicKeyLine + "\n");
            String out = Commands.run(tmp, Map.of(), Commands.require("ssh-keygen", "openssh-client").toString(),
                    "-l", "-E", "sha256", "-f", f.toString());
            return out.split(" ")[1];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int commits(ClonedRepository clone) {
        return Integer.parseInt(Commands.run(clone.directory(), Map.of(), Commands.require("git", "git").toString(),
                "rev-list", "--count", "HEAD").strip());
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static String allMessages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }
}
