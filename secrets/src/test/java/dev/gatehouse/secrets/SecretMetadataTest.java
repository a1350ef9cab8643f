package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretMetadataTest {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private final SecretMetadata fresh = SecretMetadata.of(UUID.randomUUID(), "acme", "db", SecretType.DATA,
            UUID.randomUUID(), Optional.of("k1"), T0);

    @Test
    void aNewRecordIsPrivateUnrestrictedAtVersionOne() {
        assertThat(fresh.version()).isEqualTo(1);
        assertThat(fresh.visibility()).isEqualTo(Visibility.PRIVATE);
        assertThat(fresh.projects()).isEmpty();
        assertThat(fresh.grants()).isEmpty();
        assertThat(fresh.passwordProtected()).isFalse();
        assertThat(fresh.updatedAt()).isEqualTo(T0);
    }

    @Test
    void withersChangeOneThingAndKeepTheRest() {
        Instant t1 = T0.plusSeconds(60);
        SecretMetadata changed = fresh.withVisibility(Visibility.PUBLIC).withProjects(Set.of("p"))
                .withGrants(Map.of(Grantee.team(UUID.randomUUID()), AccessLevel.READER)).sealedWith(Optional.empty())
                .nextVersion(t1);
        assertThat(changed.id()).isEqualTo(fresh.id());
        assertThat(changed.owner()).isEqualTo(fresh.owner());
        assertThat(changed.createdAt()).isEqualTo(T0);
        assertThat(changed.updatedAt()).isEqualTo(t1);
        assertThat(changed.version()).isEqualTo(2);
        assertThat(changed.passwordProtected()).isTrue();
        assertThat(changed.serverKeyId()).isEmpty();
        assertThat(changed.sealedWith(Optional.of("k2")).passwordProtected()).isFalse();
    }

    @Test
    void aPasswordFlagThatContradictsTheKeyIdIsRefused() {
        assertThatThrownBy(() -> new SecretMetadata(fresh.id(), "acme", "db", SecretType.DATA, Visibility.PRIVATE,
                fresh.owner(), Set.of(), true, Optional.of("k1"), Optional.empty(), Map.of(), 1, T0, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either with a store password");
        assertThatThrownBy(() -> fresh.withVersion(0, T0)).hasMessageContaining("version must be at least 1");
    }
}
