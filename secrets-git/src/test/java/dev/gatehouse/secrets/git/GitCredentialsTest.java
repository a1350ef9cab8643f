package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GitCredentialsTest {

    private static final GitRemote SSH = GitRemote.parse("git@git.example.com:acme/flows.git");
    private static final GitRemote HTTPS = GitRemote.parse("https://git.example.com/acme/flows.git");

    @Test
    void toStringNamesTheKeyByFingerprintAndPrintsNoSecret() {
        SecretValue.KeyPair pair = SshKeys.generate();
        String body = new String(pair.privateKey(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        GitCredentials.SshKey key = (GitCredentials.SshKey) GitCredentials.of(pair, SSH);

        assertThat(key.toString()).contains("SHA256:", "<redacted>").doesNotContain(body);
        assertThat(key.fingerprint()).startsWith("SHA256:");
        assertThat(key.type()).isEqualTo(SecretType.KEY_PAIR);
        GitCredentials login = GitCredentials.of(SecretValue.usernamePassword("bot", "pa55-word-x".toCharArray()), HTTPS);
        assertThat(login.toString()).contains("username=bot").doesNotContain("pa55-word-x");
    }

    @Test
    void aDataSecretFitsNoRemoteAndIsWiped() {
        SecretValue.Data data = SecretValue.ofString("token-value");

        assertThatThrownBy(() -> GitCredentials.of(data, HTTPS)).isInstanceOf(GitAccessException.SchemeMismatch.class)
                .hasMessage("The secret is a DATA secret, but https repository URLs need a USERNAME_PASSWORD secret");
        assertThat(data.bytes()).containsOnly((byte) 0);
    }

    @Test
    void closingWipesAndIsIdempotent() {
        SecretValue.UsernamePassword value = SecretValue.usernamePassword("bot", "pa55-word-x".toCharArray());
        GitCredentials credentials = GitCredentials.of(value, HTTPS);

        credentials.close();
        credentials.close();

        assertThat(value.password()).containsOnly('\0');
    }
}
