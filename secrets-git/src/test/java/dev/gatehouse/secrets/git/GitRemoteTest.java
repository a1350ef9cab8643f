package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretType;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitRemoteTest {

    @Test
    void sshUrlGivesUserHostPortAndPath() {
        GitRemote r = GitRemote.parse("ssh://git@git.example.com:2222/acme/flows.git");

        assertThat(r.scheme()).isEqualTo(GitRemote.Scheme.SSH);
        assertThat(r.user()).contains("git");
        assertThat(r.host()).isEqualTo("git.example.com");
        assertThat(r.port()).isEqualTo(2222);
        assertThat(r.path()).isEqualTo("/acme/flows.git");
        assertThat(r.secretType()).isEqualTo(SecretType.KEY_PAIR);
        assertThat(r.knownHostsName()).isEqualTo("[git.example.com]:2222");
    }

    @Test
    void scpLikeUrlIsSshOnPort22() {
        GitRemote r = GitRemote.parse("git@github.com:acme/flows.git");

        assertThat(r.isSsh()).isTrue();
        assertThat(r.user()).contains("git");
        assertThat(r.host()).isEqualTo("github.com");
        assertThat(r.port()).isEqualTo(22);
        assertThat(r.path()).isEqualTo("acme/flows.git");
        assertThat(r.knownHostsName()).isEqualTo("github.com");
        assertThat(GitRemote.parse("host.example:/srv/git/x.git").user()).isEmpty();
    }

    @Test
    void httpsAndHttpUrlsNeedAUsernamePasswordSecret() {
        GitRemote https = GitRemote.parse("https://git.example.com/acme/flows.git");
        GitRemote http = GitRemote.parse("http://127.0.0.1:8080/git/flows.git");

        assertThat(https.scheme()).isEqualTo(GitRemote.Scheme.HTTPS);
        assertThat(https.port()).isEqualTo(443);
        assertThat(https.user()).isEqualTo(Optional.empty());
        assertThat(https.secretType()).isEqualTo(SecretType.USERNAME_PASSWORD);
        assertThat(http.scheme()).isEqualTo(GitRemote.Scheme.HTTP);
        assertThat(http.port()).isEqualTo(8080);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/git/flows.git", "./flows.git", "../x/y.git", "file:///srv/git/flows.git",
            "git://example.com/flows.git", "ftp://example.com/x.git", "ext::sh -c touch% /tmp/pwned", ""})
    void localPathsAndOtherSchemesAreRefused(String url) {
        assertThatThrownBy(() -> GitRemote.parse(url)).isInstanceOf(GitAccessException.InvalidRemote.class);
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutBeingRepeated() {
        assertThatThrownBy(() -> GitRemote.parse("https://alice:S3cretPw@git.example.com/acme/flows.git"))
                .isInstanceOf(GitAccessException.InvalidRemote.class)
                .hasMessageContaining("must not contain a password")
                .message().doesNotContain("S3cretPw").doesNotContain("alice");
        assertThatThrownBy(() -> GitRemote.parse("ssh://git:S3cretPw@git.example.com/flows.git"))
                .message().doesNotContain("S3cretPw");
    }

    @Test
    void httpUrlsTakeTheUsernameFromTheSecretNotTheUrl() {
        assertThatThrownBy(() -> GitRemote.parse("https://alice@git.example.com/flows.git"))
                .isInstanceOf(GitAccessException.InvalidRemote.class)
                .hasMessageContaining("username comes from the secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh://git@example.com", "ssh://git@example.com/", "https://example.com",
            "ssh://git@-oProxyCommand=x/flows.git", "ssh://-l@example.com/x.git", "https://exa mple.com/x.git",
            "ssh://git@example.com/x.git#frag", "git@example.com:x.git\nmore"})
    void urlsWithoutARepositoryOrWithOddPartsAreRefused(String url) {
        assertThatThrownBy(() -> GitRemote.parse(url)).isInstanceOf(GitAccessException.InvalidRemote.class);
    }

    @Test
    void ipv6HostsAreBracketedInKnownHostsNames() {
        assertThat(GitRemote.parse("ssh://git@[::1]:2222/x.git").knownHostsName()).isEqualTo("[::1]:2222");
        assertThat(GitRemote.parse("ssh://git@[::1]/x.git").host()).isEqualTo("::1");
    }

    @Test
    void toStringIsTheUrl() {
        assertThat(GitRemote.parse(" git@example.com:x.git ").toString()).isEqualTo("git@example.com:x.git");
    }
}
