package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private final SecretManager secrets = Fixtures.manager();
    private final Caller owner = Fixtures.member();
    private final Caller bob = Fixtures.member();

    private void create(String name, Visibility visibility) {
        secrets.create(owner, NewSecret.builder(ORG, name, SecretValue.ofString("v")).visibility(visibility).build());
    }

    private SecretUpdate newValue() {
        return SecretUpdate.builder().value(SecretValue.ofString("changed")).build();
    }

    @Test
    void aPrivateSecretIsInvisibleToOtherMembersAsIfItDidNotExist() {
        create("private", Visibility.PRIVATE);
        assertThatThrownBy(() -> secrets.read(bob, ORG, "private"))
                .isInstanceOf(SecretException.class).hasMessage("Secret not found: acme/private");
    }

    @Test
    void aPublicSecretIsReadableByOrgMembersOnly() {
        create("public", Visibility.PUBLIC);
        assertThat(secrets.read(bob, ORG, "public")).isNotNull();
        assertKind(() -> secrets.read(Fixtures.outsider(), ORG, "public"), Kind.NOT_FOUND);
        assertKind(() -> secrets.update(bob, ORG, "public", newValue()), Kind.ACCESS_DENIED);
    }

    @Test
    void readerMayReadButNotUpdate() {
        create("sec", Visibility.PRIVATE);
        secrets.grant(owner, ORG, "sec", Grantee.user(bob.userId()), AccessLevel.READER);
        assertThat(secrets.read(bob, ORG, "sec")).isNotNull();
        assertKind(() -> secrets.update(bob, ORG, "sec", newValue()), Kind.ACCESS_DENIED);
    }

    @Test
    void writerMayUpdateButNotDeleteNorChangeAccess() {
        create("sec", Visibility.PRIVATE);
        secrets.grant(owner, ORG, "sec", Grantee.user(bob.userId()), AccessLevel.WRITER);
        secrets.update(bob, ORG, "sec", newValue());
        assertKind(() -> secrets.delete(bob, ORG, "sec"), Kind.ACCESS_DENIED);
        assertKind(() -> secrets.update(bob, ORG, "sec", SecretUpdate.builder().visibility(Visibility.PUBLIC).build()),
                Kind.ACCESS_DENIED);
        assertKind(() -> secrets.grant(bob, ORG, "sec", Grantee.user(UUID.randomUUID()), AccessLevel.READER), Kind.ACCESS_DENIED);
    }

    @Test
    void deletingNeedsOwner() {
        create("sec", Visibility.PRIVATE);
        secrets.grant(owner, ORG, "sec", Grantee.user(bob.userId()), AccessLevel.OWNER);
        secrets.delete(bob, ORG, "sec");
        assertThat(secrets.list(owner, ORG)).isEmpty();
    }

    @Test
    void teamGrantsApplyToTeamMembersAndTheHighestGrantWins() {
        UUID team = UUID.randomUUID();
        Caller carol = Fixtures.memberOfTeam(team);
        create("sec", Visibility.PRIVATE);
        secrets.grant(owner, ORG, "sec", Grantee.team(team), AccessLevel.WRITER);
        secrets.grant(owner, ORG, "sec", Grantee.user(carol.userId()), AccessLevel.READER);
        secrets.update(carol, ORG, "sec", newValue());
        assertKind(() -> secrets.read(bob, ORG, "sec"), Kind.NOT_FOUND);
    }

    @Test
    void revokingRemovesAccess() {
        create("sec", Visibility.PRIVATE);
        secrets.grant(owner, ORG, "sec", Grantee.user(bob.userId()), AccessLevel.READER);
        SecretMetadata m = secrets.revoke(owner, ORG, "sec", Grantee.user(bob.userId()));
        assertThat(m.grants()).isEmpty();
        assertKind(() -> secrets.read(bob, ORG, "sec"), Kind.NOT_FOUND);
    }

    @Test
    void adminsMayDoAnything() {
        create("sec", Visibility.PRIVATE);
        Caller admin = Fixtures.admin();
        assertThat(secrets.read(admin, ORG, "sec")).isNotNull();
        secrets.update(admin, ORG, "sec", SecretUpdate.builder().owner(admin.userId()).build());
        secrets.delete(admin, ORG, "sec");
    }

    @Test
    void ownershipCanBeHandedOver() {
        create("sec", Visibility.PRIVATE);
        secrets.update(owner, ORG, "sec", SecretUpdate.builder().owner(bob.userId()).build());
        assertKind(() -> secrets.read(owner, ORG, "sec"), Kind.NOT_FOUND);
        assertThat(secrets.read(bob, ORG, "sec")).isNotNull();
    }

    @Test
    void outsidersCannotCreateSecretsInAnOrg() {
        assertKind(() -> secrets.create(Fixtures.outsider(), NewSecret.builder(ORG, "intruder", SecretValue.ofString("x")).build()),
                Kind.ACCESS_DENIED);
    }

    @Test
    void aProjectScopedSecretIsReadableOnlyByAProcessOfThatProject() {
        secrets.create(owner, NewSecret.builder(ORG, "scoped", SecretValue.ofString("v")).projects(Set.of("payments")).build());
        assertThatThrownBy(() -> secrets.read(owner, ORG, "scoped"))
                .isInstanceOf(SecretException.class)
                .hasMessage("Secret acme/scoped is restricted to projects [payments]: only a process of one of them may read it");
        assertKind(() -> secrets.read(owner.inProcess(Fixtures.process("billing")), ORG, "scoped"), Kind.ACCESS_DENIED);
        assertKind(() -> secrets.read(owner.inProcess(Fixtures.process(null)), ORG, "scoped"), Kind.ACCESS_DENIED);
        assertKind(() -> secrets.read(Fixtures.admin(), ORG, "scoped"), Kind.ACCESS_DENIED);
        Caller otherOrgProcess = owner.inProcess(new ProcessRef(UUID.randomUUID(), "other",
                Optional.of("payments")));
        assertKind(() -> secrets.read(otherOrgProcess, ORG, "scoped"), Kind.ACCESS_DENIED);
        assertThat(((SecretValue.Data) secrets.read(owner.inProcess(Fixtures.process("payments")), ORG, "scoped")).asString())
                .isEqualTo("v");
        // metadata stays visible: only the value is restricted
        assertThat(secrets.metadata(owner, ORG, "scoped").projects()).containsExactly("payments");
    }

    @Test
    void aReplacementPolicyDecidesEverything() {
        AccessPolicy readOnly = new AccessPolicy() {
            @Override
            public boolean permits(Caller caller, SecretMetadata secret, Operation operation) {
                return operation == Operation.READ_METADATA || operation == Operation.READ_VALUE;
            }

            @Override
            public boolean permitsCreate(Caller caller, String org) {
                return true;
            }
        };
        SecretManager custom = SecretManager.builder().store(SecretStore.inMemory()).keyRing(ServerKeyRing.generate("k"))
                .accessPolicy(readOnly).build();
        custom.create(Fixtures.outsider(), NewSecret.builder(ORG, "sec", SecretValue.ofString("v")).build());
        assertThat(custom.read(bob, ORG, "sec")).isNotNull();
        assertKind(() -> custom.delete(Fixtures.admin(), ORG, "sec"), Kind.ACCESS_DENIED);
    }

    @Test
    void callerFromAnIdentityTakesAdminRoleAndProcess() {
        ProcessRef p = Fixtures.process("payments");
        Identity id = Identity.builder(UUID.randomUUID(), "Alice", "session")
                .roles(Set.of("admin")).process(p).build();
        Caller c = Caller.of(id, Set.of(ORG), Set.of());
        assertThat(c.admin()).isTrue();
        assertThat(c.process()).contains(p);
    }
}
