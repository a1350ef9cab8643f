package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.SshKeyType;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.git.testing.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {

    private static final String KEY = SshKeys.generate(SshKeyType.ED25519, "host").publicKey();

    @TempDir
    Path tmp;

    @Test
    void linesCommentsAndBlankLinesAreRead() {
        KnownHosts hosts = KnownHosts.parse("# our servers\n\ngit.example.com " + KEY + "\n[10.0.0.5]:2222 " + KEY + "\n");

        assertThat(hosts.lines()).containsExactly("git.example.com " + KEY, "[10.0.0.5]:2222 " + KEY);
        assertThat(hosts.isEmpty()).isFalse();
        assertThat(KnownHosts.none().isEmpty()).isTrue();
    }

    @Test
    void aBrokenLineIsNamedByNumber() {
        assertThatThrownBy(() -> KnownHosts.parse("git.example.com " + KEY + "\ngit.example.com ssh-ed25519 AAAAnotbase64!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("known_hosts line 2: ");
        assertThatThrownBy(() -> KnownHosts.parse("just-a-host"))
                .hasMessageStartingWith("known_hosts line 1: ");
    }

    @Test
    void certificateAuthorityLinesAreRefusedAndRevokedOnesKept() {
        assertThatThrownBy(() -> KnownHosts.parse("@cert-authority *.example.com " + KEY))
                .hasMessageContaining("@cert-authority");
        assertThat(KnownHosts.parse("@revoked git.example.com " + KEY).lines()).hasSize(1);
    }

    @Test
    void lineForARemoteUsesBracketsOffPort22() {
        assertThat(KnownHosts.line(GitRemote.parse("ssh://git@h.example:2222/x.git"), KEY + "\n"))
                .isEqualTo("[h.example]:2222 " + KEY);
        assertThat(KnownHosts.line(GitRemote.parse("git@h.example:x.git"), KEY)).isEqualTo("h.example " + KEY);
        assertThatThrownBy(() -> KnownHosts.line(GitRemote.parse("git@h.example:x.git"), "ssh-ed25519"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileHashedBySshKeygenIsRead() throws Exception {
        Path file = tmp.resolve("known_hosts");
        Files.writeString(file, "git.example.com " + KEY + "\n", StandardCharsets.UTF_8);
        Commands.run(tmp, Map.of(), Commands.require("ssh-keygen", "openssh-client").toString(), "-H", "-f", file.toString());

        KnownHosts hosts = KnownHosts.read(file);

        assertThat(hosts.lines()).singleElement().asString().startsWith("|1|").doesNotContain("git.example.com");
        assertThat(hosts.plus(KnownHosts.parse("other.example " + KEY)).lines()).hasSize(2);
    }

    @Test
    void toStringShowsFingerprintsOnly() {
        assertThat(KnownHosts.parse("git.example.com " + KEY).toString()).startsWith("KnownHosts[SHA256:");
    }
}
