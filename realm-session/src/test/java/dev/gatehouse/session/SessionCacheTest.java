package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache never extends a token beyond what the registry, the clock and the
 * revocation bound allow. Its user changes are made as if on another node (the realm is not told
 * of them), except where a test says so.
 */
class SessionCacheTest {

    private final SessionFixture node = SessionFixture.inMemoryChangedElsewhere();
    private final User alice = node.user("alice");
    private final ProcessRef process = node.runningProcess(alice);
    private final String token = node.tokens.issue(process.id());

    @Test
    void repeatedTokenIsAnsweredAgainWithTheSameIdentity() {
        AuthenticationResult first = node.authenticate(token);
        AuthenticationResult second = node.authenticate(token);
        assertThat(second).isInstanceOf(AuthenticationResult.Authenticated.class).isEqualTo(first);
        assertThat(node.realm.verifier().cachedTokens()).isEqualTo(1);
    }

    @Test
    void cachedTokenIsRefusedAtOnceWhenTheProcessFinishes() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.store.updateStatus(process.id(), "FAILED");
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void cachedTokenIsRefusedAtOnceWhenTheProcessIsForgotten() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.store.remove(process.id());
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void cachedTokenActsForTheNewCurrentUserAtOnce() {
        User bob = node.user("bob");
        assertThat(((AuthenticationResult.Authenticated) node.authenticate(token)).identity().username()).isEqualTo("alice");
        node.store.updateCurrentUser(process.id(), bob.id());
        assertThat(((AuthenticationResult.Authenticated) node.authenticate(token)).identity().username()).isEqualTo("bob");
    }

    @Test
    void cachedTokenIsRefusedAtItsExpiry() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.clock.advance(Duration.ofHours(24));
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void disabledUserIsRefusedOnceTheRevocationBoundHasPassed() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.users.setDisabled(alice.id(), true);
        node.clock.advance(Duration.ofMillis(999));
        assertThat(node.authenticate(token)).as("within the bound, no re-read ran").isInstanceOf(
                AuthenticationResult.Authenticated.class);
        node.clock.advance(Duration.ofMillis(1));
        assertThat(node.authenticate(token)).as("at the bound, even with no background re-read")
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void disabledUserIsRefusedAsSoonAsTheBackgroundReReadRan() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.users.setDisabled(alice.id(), true);
        node.clock.advance(Duration.ofMillis(600));
        assertThat(node.authenticate(token)).as("served, and a re-read queued").isInstanceOf(
                AuthenticationResult.Authenticated.class);
        assertThat(node.refreshes.runAll()).isEqualTo(1);
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aUserDisabledThroughThisNodesDirectoryIsRefusedAtOnce() {
        SessionFixture here = SessionFixture.inMemory();
        User bob = here.user("bob");
        String bobs = here.tokens.issue(here.runningProcess(bob).id());
        assertThat(here.authenticate(bobs)).isInstanceOf(AuthenticationResult.Authenticated.class);

        here.users.setDisabled(bob.id(), true); // the directory tells the realm

        assertThat(here.authenticate(bobs)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void invalidateUserRefusesADisabledUserAtOnceOnThisNode() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        node.users.setDisabled(alice.id(), true);
        node.realm.invalidateUser(alice.id());
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void changedRolesReachTheCachedIdentityWithinTheBound() {
        assertThat(((AuthenticationResult.Authenticated) node.authenticate(token)).identity().roles())
                .containsExactly("process-runner");
        node.users.setRoles(alice.id(), Set.of("process-runner", "auditor"));
        node.clock.advance(Duration.ofMillis(600));
        node.authenticate(token);
        node.refreshes.runAll();
        assertThat(((AuthenticationResult.Authenticated) node.authenticate(token)).identity().roles())
                .containsExactlyInAnyOrder("process-runner", "auditor");
    }

    @Test
    void withTheCacheOffADisabledUserIsRefusedAtOnce() {
        SessionFixture uncached = SessionFixture.inMemory(SessionFixture.settings("revocationBound", "0s"));
        User carol = uncached.user("carol");
        String t = uncached.tokens.issue(uncached.runningProcess(carol).id());
        assertThat(uncached.authenticate(t)).isInstanceOf(AuthenticationResult.Authenticated.class);
        uncached.users.setDisabled(carol.id(), true);
        assertThat(uncached.authenticate(t)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(uncached.realm.verifier().cachedTokens()).isZero();
    }

    @Test
    void aTamperedCopyOfACachedTokenIsNotServedFromTheCache() {
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
        // same authentication tag (the cache's lookup key), different ciphertext
        assertThat(node.authenticate(Forge.flipBit(token, 3))).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(node.authenticate(Forge.flipBit(token, 0))).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(node.authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
    }
}
