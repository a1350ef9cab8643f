package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Permissions, scoped identities and the check hosts call. */
class PermissionTest {

    private static Identity.Builder alice() {
        return Identity.builder(UUID.randomUUID(), "alice", "corp").roles(Set.of("admin"));
    }

    @Test
    void namesAreLowerCaseSegmentsWithAnOptionalTrailingWildcard() {
        for (String ok : new String[] {"secret:read", "apikey:manage", "process:self", "org-x:project_y:read", "secret:*", "*", "admin"}) {
            assertThat(Permission.of(ok).name()).isEqualTo(ok);
        }
        for (String bad : new String[] {"", "Secret:read", "secret::read", "secret:", ":read", "secret:*:read", "se cret",
                "secret:read\n", "x".repeat(Permission.MAX_LENGTH + 1)}) {
            assertThatThrownBy(() -> Permission.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("permission must be");
        }
    }

    @Test
    void aPermissionCoversItselfAndAWildcardCoversWhatIsUnderIt() {
        assertThat(Permission.SECRET_READ.covers(Permission.SECRET_READ)).isTrue();
        assertThat(Permission.of("secret:*").covers(Permission.SECRET_READ)).isTrue();
        assertThat(Permission.of("secret:*").covers(Permission.of("secret:read:own"))).isTrue();
        assertThat(Permission.of("secret:*").covers(Permission.of("secrets:read"))).isFalse();
        assertThat(Permission.of("secret:*").covers(Permission.of("secret"))).isFalse();
        assertThat(Permission.ALL.covers(Permission.APIKEY_MANAGE)).isTrue();
        assertThat(Permission.SECRET_READ.covers(Permission.SECRET_WRITE)).isFalse();
        assertThat(Permission.SECRET_READ.covers(Permission.ALL)).isFalse();
    }

    @Test
    void intersectionKeepsTheNarrowerOfWhatBothGrant() {
        assertThat(Permission.intersection(Permission.setOf("secret:*", "process:self"),
                Permission.setOf("secret:read", "apikey:manage", "process:*")))
                .containsExactlyInAnyOrder(Permission.SECRET_READ, Permission.PROCESS_SELF);
        assertThat(Permission.intersection(Set.of(Permission.ALL), ProcessPolicy.DEFAULT_PERMISSIONS))
                .isEqualTo(ProcessPolicy.DEFAULT_PERMISSIONS);
        assertThat(Permission.intersection(Set.of(Permission.SECRET_WRITE), ProcessPolicy.DEFAULT_PERMISSIONS)).isEmpty();
    }

    @Test
    void anIdentityWithoutScopesMayDoEverythingItsUserMay() {
        Identity unscoped = alice().build();

        assertThat(unscoped.scopes()).isEmpty();
        assertThat(unscoped.permits(Permission.APIKEY_MANAGE)).isTrue();
        assertThat(unscoped.permits("anything:at-all")).isTrue();
        Authorization.require(unscoped, Permission.USER_MANAGE);
    }

    @Test
    void aScopedIdentityMayDoOnlyWhatItsScopesCover() {
        Identity scoped = alice().scopes(Permission.setOf("secret:*")).build();

        assertThat(scoped.permits(Permission.SECRET_READ)).isTrue();
        assertThat(scoped.permits(Permission.SECRET_WRITE)).isTrue();
        assertThat(scoped.permits(Permission.APIKEY_MANAGE)).as("admin role or not").isFalse();
        assertThatThrownBy(() -> Authorization.require(scoped, Permission.APIKEY_MANAGE))
                .isInstanceOfSatisfying(PermissionDeniedException.class,
                        e -> assertThat(e.permission()).isEqualTo(Permission.APIKEY_MANAGE))
                .hasMessage("Permission apikey:manage is not granted to this credential");
        assertThat(alice().scopes(Set.of()).build().permits(Permission.SECRET_READ)).as("empty scopes permit nothing")
                .isFalse();
    }

    @Test
    void scopesSurviveToBuilderAndTakePartInEqualityAndToString() {
        Identity scoped = alice().scopes(Set.of(Permission.SECRET_READ)).build();

        assertThat(scoped.toBuilder().build()).isEqualTo(scoped);
        assertThat(scoped.toBuilder().scopes(null).build()).isNotEqualTo(scoped)
                .satisfies(i -> assertThat(i.scopes()).isEmpty());
        assertThat(scoped.toString()).contains("scopes=[secret:read]");
    }

    @Test
    void theDeniedMessageSaysWhenTheCredentialActsForAProcess() {
        Identity process = alice().process(new ProcessRef(UUID.randomUUID(), "org", java.util.Optional.empty()))
                .scopes(ProcessPolicy.DEFAULT_PERMISSIONS).build();

        assertThatThrownBy(() -> Authorization.require(process, "apikey:manage"))
                .hasMessage("Permission apikey:manage is not granted to this credential (it acts for a process)");
    }
}
