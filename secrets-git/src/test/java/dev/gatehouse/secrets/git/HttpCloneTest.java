package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.git.testing.BareRepository;
import dev.gatehouse.secrets.git.testing.GitHttpServer;
import dev.gatehouse.secrets.git.testing.TestSecrets;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clones over Git smart HTTP from JGit's GitServlet in Jetty, behind Gatehouse's authentication
 * filter with an LDAP realm: every request needs Basic authentication.
 */
class HttpCloneTest {

    private static final String PASSWORD = "Correct-Horse-42";

    @TempDir
    static Path tmp;
    private static GitHttpServer server;
    private static String head;
    private static TestSecrets secrets;
    private static GitSecrets git;
    private static GitRemote remote;
    private static int clones;

    @BeforeAll
    static void start() throws Exception {
        Path repos = tmp.resolve("repos");
        Files.createDirectories(repos);
        BareRepository repo = BareRepository.create(repos, "flows");
        head = repo.commit("main", Map.of("gatehouse.template", "Hello over HTTP"), "first");
        server = GitHttpServer.start(repos, "alice", PASSWORD);
        secrets = new TestSecrets();
        git = GitSecrets.using(secrets.manager());
        remote = GitRemote.parse(server.url("flows.git"));
        secrets.store("alice-login", SecretValue.usernamePassword("alice", PASSWORD.toCharArray()));
        secrets.store("alice-wrong", SecretValue.usernamePassword("alice", "not-her-password".toCharArray()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Path target() {
        return tmp.resolve("clone-" + (++clones));
    }

    @Test
    void withoutCredentialsTheServerRefusesEveryRequest() throws Exception {
        int served = server.served();
        HttpURLConnection c = (HttpURLConnection) URI.create(server.url("flows.git/info/refs?service=git-upload-pack"))
                .toURL().openConnection();
        try {
            assertThat(c.getResponseCode()).isEqualTo(401);
            assertThat(c.getHeaderFields().get("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic"));
        } finally {
            c.disconnect();
        }
        assertThat(server.served()).isEqualTo(served);
    }

    @Test
    void clonesWithAUsernamePasswordSecret() throws Exception {
        int served = server.served();

        ClonedRepository clone = git.clone(secrets.owner(), TestSecrets.ORG, "alice-login", GitClone.of(remote).build(),
                target());

        assertThat(Files.readString(clone.directory().resolve("gatehouse.template"), StandardCharsets.UTF_8))
                .isEqualTo("Hello over HTTP");
        assertThat(clone.commitId()).isEqualTo(head);
        assertThat(server.served()).isGreaterThan(served);
        assertThat(server.authorizationHeaders()).contains("127.0.0.1 Basic " + Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        String config = Files.readString(clone.directory().resolve(".git/config"), StandardCharsets.UTF_8);
        assertThat(config).contains(remote.url()).doesNotContain(PASSWORD);
    }

    @Test
    void aWrongPasswordIsRefusedByGatehouseBeforeTheGitServlet() {
        int served = server.served();

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "alice-wrong", GitClone.of(remote).build(),
                target()))
                .isInstanceOf(GitAccessException.AuthenticationFailed.class)
                .hasMessage("Authentication to " + remote + " failed: the server refused username 'alice' with the"
                        + " password of secret acme/alice-wrong")
                .message().doesNotContain("not-her-password");
        assertThat(server.served()).isEqualTo(served);
    }

    @Test
    void aRedirectToAnotherHostNeverReceivesThePassword() {
        GitRemote moved = GitRemote.parse(server.movedUrl("flows.git"));

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "alice-login", GitClone.of(moved).build(),
                target()))
                .isInstanceOf(GitAccessException.class);
        assertThat(server.authorizationHeaders()).noneMatch(h -> h.startsWith("localhost "));
    }

    @Test
    void anUnknownRepositoryIsNamed() {
        GitRemote missing = GitRemote.parse(server.url("nope.git"));

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "alice-login", GitClone.of(missing).build(),
                target()))
                .isInstanceOf(GitAccessException.RepositoryNotFound.class)
                .hasMessageStartingWith("Repository not found: " + missing);
    }

    @Test
    void aKeyPairSecretForAnHttpUrlIsASchemeMismatch() {
        secrets.store("a-key", SshKeys.generate());

        assertThatThrownBy(() -> git.clone(secrets.owner(), TestSecrets.ORG, "a-key", GitClone.of(remote).build(), target()))
                .isInstanceOf(GitAccessException.SchemeMismatch.class)
                .hasMessage("Secret acme/a-key is a KEY_PAIR secret, but http repository URLs need a USERNAME_PASSWORD"
                        + " secret");
    }

    @Test
    void thePasswordIsWipedAfterUse() {
        SecretValue.UsernamePassword value = SecretValue.usernamePassword("alice", PASSWORD.toCharArray());
        try (GitCredentials credentials = GitCredentials.of(value, remote)) {
            GitClone.of(remote).build().into(target(), credentials);
            assertThat(value.password()).as("not wiped by the clone itself").containsExactly(PASSWORD.toCharArray());
        }
        assertThat(value.password()).containsOnly('\0');
    }
}
