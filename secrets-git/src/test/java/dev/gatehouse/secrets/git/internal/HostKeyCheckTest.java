package dev.gatehouse.secrets.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.secrets.SshKeyType;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.git.GitAccessException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostKeyCheckTest {

    private static final String SERVER = SshKeys.generate(SshKeyType.ED25519, "server").publicKey();
    private static final String IMPOSTOR = SshKeys.generate(SshKeyType.ECDSA_P256, "impostor").publicKey();

    private static PublicKey key(String line) {
        return PrivateKeys.publicKey(line);
    }

    private static HostKeyCheck strict(String... lines) {
        return new HostKeyCheck(List.of(lines).stream().map(KnownHostLine::parse).toList(), Optional.empty());
    }

    @Test
    void theKnownKeyIsAccepted() {
        HostKeyCheck check = strict("[127.0.0.1]:2222 " + SERVER);

        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(SERVER))).isEmpty();
        assertThat(check.keysFor("127.0.0.1", 2222)).hasSize(1);
    }

    @Test
    void anotherKeyForAKnownHostIsAChangeNamingBothFingerprints() {
        HostKeyCheck check = strict("[127.0.0.1]:2222 " + SERVER);

        Optional<GitAccessException.HostKeyRejected> r = check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(IMPOSTOR));

        assertThat(r).get().isInstanceOf(GitAccessException.HostKeyChanged.class);
        assertThat(r.get().host()).isEqualTo("[127.0.0.1]:2222");
        assertThat(r.get().offeredKeyType()).isEqualTo("ecdsa-sha2-nistp256");
        assertThat(r.get().offeredFingerprint()).isEqualTo(HostKeys.fingerprint(key(IMPOSTOR))).startsWith("SHA256:");
        assertThat(r.get().getMessage()).contains("[127.0.0.1]:2222", HostKeys.fingerprint(key(IMPOSTOR)),
                HostKeys.fingerprint(key(SERVER)));
    }

    @Test
    void theSameKeyOnAnotherPortIsUnknown() {
        HostKeyCheck check = strict("[127.0.0.1]:2222 " + SERVER);

        assertThat(check.verify("127.0.0.1", 2223, "[127.0.0.1]:2223", key(SERVER))).get()
                .isInstanceOf(GitAccessException.HostKeyUnknown.class);
        assertThat(check.verify("127.0.0.1", 22, "127.0.0.1", key(SERVER))).get()
                .isInstanceOf(GitAccessException.HostKeyUnknown.class);
    }

    @Test
    void aRevokedKeyIsRefusedEvenIfAlsoListed() {
        HostKeyCheck check = strict("git.example.com " + SERVER, "@revoked * " + SERVER);

        assertThat(check.verify("git.example.com", 22, "git.example.com", key(SERVER))).get()
                .isInstanceOf(GitAccessException.HostKeyChanged.class)
                .extracting(Throwable::getMessage).asString().contains("@revoked");
    }

    @Test
    void trustOnFirstUseRecordsTheFirstKeyAndRefusesAnotherLater() {
        List<String> recorded = new ArrayList<>();
        HostKeyCheck check = new HostKeyCheck(List.of(), Optional.of(recorded::add));

        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(SERVER))).isEmpty();
        assertThat(recorded).containsExactly("[127.0.0.1]:2222 " + HostKeys.line(key(SERVER)));
        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(SERVER))).isEmpty();
        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(IMPOSTOR))).get()
                .isInstanceOf(GitAccessException.HostKeyChanged.class);
        assertThat(recorded).hasSize(1);
    }

    @Test
    void trustOnFirstUseNeverOverridesAKnownKey() {
        List<String> recorded = new ArrayList<>();
        HostKeyCheck check = new HostKeyCheck(List.of(KnownHostLine.parse("[127.0.0.1]:2222 " + SERVER)),
                Optional.of(recorded::add));

        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(IMPOSTOR))).get()
                .isInstanceOf(GitAccessException.HostKeyChanged.class);
        assertThat(recorded).isEmpty();
    }

    @Test
    void aKeyThatCannotBeRecordedIsNotTrusted() {
        HostKeyCheck check = new HostKeyCheck(List.of(), Optional.of(line -> {
            throw new IllegalStateException("database down");
        }));

        assertThat(check.verify("127.0.0.1", 2222, "[127.0.0.1]:2222", key(SERVER))).get()
                .isInstanceOf(GitAccessException.HostKeyUnknown.class);
        assertThat(check.keysFor("127.0.0.1", 2222)).isEmpty();
    }
}
