package dev.gatehouse.secrets.git.internal;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.gatehouse.secrets.git.GitRemote;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JGitClonerTest {

    @ParameterizedTest
    @ValueSource(strings = {"ssh://git@git.example.com:2222/acme/flows.git", "git@git.example.com:acme/flows.git",
            "host.example:/srv/git/x.git", "ssh://git@[::1]:2222/x.git", "https://git.example.com/acme/flows.git",
            "http://127.0.0.1:8080/git/flows.git"})
    void jgitReadsTheSameHostPortAndUserAsGitRemote(String url) {
        assertThatCode(() -> JGitCloner.checkJGitAgrees(GitRemote.parse(url))).doesNotThrowAnyException();
    }
}
