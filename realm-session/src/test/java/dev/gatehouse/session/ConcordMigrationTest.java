package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Concord's old tokens, read only when migration is on, and only while their process runs. */
class ConcordMigrationTest {

    private static final byte[] SALT = "concord-salt-1234".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERVER_PASSWORD = "server-password".getBytes(StandardCharsets.UTF_8);

    private final SessionFixture migrating = SessionFixture.inMemory(SessionFixture.settings(
            "concord.enabled", "true",
            "concord.secretStoreSalt", SessionFixture.b64(SALT),
            "concord.serverPassword", SessionFixture.b64(SERVER_PASSWORD)));

    /** Concord's scheme, written here independently of the realm. */
    static String concordToken(UUID processId, byte[] salt, byte[] password) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(salt);
        md5.update(password);
        Cipher aes = Cipher.getInstance("AES/ECB/PKCS5Padding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(md5.digest(), "AES"));
        return Base64.getEncoder().encodeToString(aes.doFinal(processId.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void concordTokenOfARunningProcessIsAcceptedWhenMigrationIsOn() throws Exception {
        User alice = migrating.user("alice");
        ProcessRef process = migrating.runningProcess(alice);
        AuthenticationResult r = migrating.authenticate(concordToken(process.id(), SALT, SERVER_PASSWORD));
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(((AuthenticationResult.Authenticated) r).identity().process()).contains(process);
    }

    @Test
    void concordTokenAsBasicUsernameIsAccepted() throws Exception {
        ProcessRef process = migrating.runningProcess(migrating.user("alice"));
        String basic = Base64.getEncoder().encodeToString((concordToken(process.id(), SALT, SERVER_PASSWORD) + ":")
                .getBytes(StandardCharsets.UTF_8));
        RequestView request = RequestView.builder().header("Authorization", "Basic " + basic).build();
        assertThat(migrating.realm.authenticate(migrating.realm.credentials(request).orElseThrow()))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void concordTokenIsRefusedOnceTheProcessFinished() throws Exception {
        ProcessRef process = migrating.runningProcess(migrating.user("alice"));
        String token = concordToken(process.id(), SALT, SERVER_PASSWORD);
        assertThat(migrating.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        migrating.store.updateStatus(process.id(), "FINISHED");
        assertThat(migrating.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void concordTokenIsRefusedWhenMigrationIsOff() throws Exception {
        SessionFixture plain = SessionFixture.inMemory();
        ProcessRef process = plain.runningProcess(plain.user("alice"));
        assertThat(plain.authenticate(concordToken(process.id(), SALT, SERVER_PASSWORD)))
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void concordTokenUnderAnotherKeyIsRefused() throws Exception {
        ProcessRef process = migrating.runningProcess(migrating.user("alice"));
        assertThat(migrating.authenticate(concordToken(process.id(), SALT, "other".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void concordTokenOfAnUnknownProcessIsRefused() throws Exception {
        assertThat(migrating.authenticate(concordToken(UUID.randomUUID(), SALT, SERVER_PASSWORD)))
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void basicUsernameShapedLikeAConcordTokenButNotOneIsLeftToOtherRealms() {
        String lookalike = Base64.getEncoder().encodeToString(new byte[48]);
        String basic = Base64.getEncoder().encodeToString((lookalike + ":").getBytes(StandardCharsets.UTF_8));
        RequestView request = RequestView.builder().header("Authorization", "Basic " + basic).build();
        assertThat(migrating.realm.authenticate(migrating.realm.credentials(request).orElseThrow()))
                .isInstanceOf(AuthenticationResult.NotMine.class);
    }

    @Test
    void newTokensStillWorkWhileMigrating() {
        ProcessRef process = migrating.runningProcess(migrating.user("alice"));
        assertThat(migrating.authenticate(migrating.tokens.issue(process.id())))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }
}
